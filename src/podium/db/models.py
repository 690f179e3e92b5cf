"""Podium's tables. Internal integer keys everywhere; public ids live in their own columns."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002 - SQLAlchemy's signature
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InstanceSecret(Base):
    """The deployment's random HMAC key, unless PODIUM_SECRET_KEY overrides it."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary(64))


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class User(Base):
    """A host of the account; `host_id` is its public, opaque id."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("account_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    host_id: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    has_webinar: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The dashboard's sign-in (argon2id, services/passwords.py); None: no password set yet.
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Where the host lives: the dashboard's date-time fields are in this zone.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")


class DashboardSession(Base):
    """A host signed in to /manage. The cookie holds a random token; only its SHA-256 is
    kept. It ends at `expires_at` (absolute), after an idle spell since `last_seen_at`, or
    when revoked (sign-out, sign-out everywhere, a password reset)."""

    __tablename__ = "dashboard_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))  # every form of the session carries it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ApiCredential(Base):
    """An API key pair; the secret is kept only as HMAC-SHA-256 under the instance key."""

    __tablename__ = "api_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    api_key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OAuthToken(Base):
    """A v2 access token (Server-to-Server OAuth), kept only as HMAC-SHA-256 under the
    instance key. It lets its account in until `expires_at` on the server clock, and dies
    with the key pair that obtained it (rotation revokes the pair)."""

    __tablename__ = "oauth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("api_credentials.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Webinar(Base):
    __tablename__ = "webinars"
    __table_args__ = (
        Index("ix_webinars_host_listing", "host_user_id", "deleted_at", "approval_type"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, unique=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    host_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(300))
    agenda: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[int] = mapped_column(Integer, default=0)
    start_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    duration: Mapped[int] = mapped_column(Integer, default=60)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    password: Mapped[str] = mapped_column(String(10), default="")
    recurrence: Mapped[str | None] = mapped_column(Text, nullable=True)  # canonical JSON
    approval_type: Mapped[int] = mapped_column(Integer, default=2)
    registration_type: Mapped[int] = mapped_column(Integer, default=1)
    option_audio: Mapped[str] = mapped_column(String(16), default="both")
    option_host_video: Mapped[bool] = mapped_column(Boolean, default=True)
    option_panelist_video: Mapped[bool] = mapped_column(Boolean, default=True)
    option_practice_session: Mapped[bool] = mapped_column(Boolean, default=False)
    option_enforce_login: Mapped[bool] = mapped_column(Boolean, default=False)
    option_enforce_login_domains: Mapped[str] = mapped_column(Text, default="")
    option_alternative_hosts: Mapped[str] = mapped_column(Text, default="")
    option_alternative_host_ids: Mapped[str] = mapped_column(Text, default="")
    option_auto_record_type: Mapped[str] = mapped_column(String(16), default="local")
    language: Mapped[str] = mapped_column(String(8), default="")
    # Registrations holding a seat; raised with a guarded UPDATE so capacity is never exceeded.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    # Registrants ever created: the next one's `position` (dense, so deep pages cost no OFFSET).
    registrant_total: Mapped[int] = mapped_column(Integer, default=0)
    # Last instant of the schedule (None: no fixed end, type 6): drives "upcoming".
    schedule_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # iCalendar SEQUENCE of the webinar's event: raised on every change of time or cancellation.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What its registration form asks (canonical JSON, services/questions.py); "": the default.
    registration_questions: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    host: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="webinar", order_by="Occurrence.start_at", cascade="all, delete-orphan"
    )


class Occurrence(Base):
    """One start of a recurring (type 9) webinar; deleted ones stay as tombstones."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("webinar_seq", "start_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webinar_seq: Mapped[int] = mapped_column(ForeignKey("webinars.seq", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration: Mapped[int] = mapped_column(Integer)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    webinar: Mapped[Webinar] = relationship(back_populates="occurrences")


class Panelist(Base):
    __tablename__ = "panelists"
    __table_args__ = (UniqueConstraint("webinar_seq", "email_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panelist_id: Mapped[str] = mapped_column(String(32), unique=True)  # public (v2 `id`)
    webinar_seq: Mapped[int] = mapped_column(ForeignKey("webinars.seq", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))  # lower-cased, for uniqueness
    token_nonce: Mapped[str] = mapped_column(String(32))  # personal link = HMAC(key, nonce)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Registrant(Base):
    __tablename__ = "registrants"
    __table_args__ = (
        UniqueConstraint("webinar_seq", "email_key"),
        UniqueConstraint("webinar_seq", "position"),
        Index("ix_registrants_listing", "webinar_seq", "status", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registrant_id: Mapped[str] = mapped_column(String(32), unique=True)
    webinar_seq: Mapped[int] = mapped_column(ForeignKey("webinars.seq", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … within the webinar
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(String(300))
    last_name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(300), default="")
    zip: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(300), default="")
    industry: Mapped[str] = mapped_column(String(300), default="")
    org: Mapped[str] = mapped_column(String(300), default="")
    job_title: Mapped[str] = mapped_column(String(300), default="")
    purchasing_time_frame: Mapped[str] = mapped_column(String(64), default="")
    role_in_purchase_process: Mapped[str] = mapped_column(String(64), default="")
    no_of_employees: Mapped[str] = mapped_column(String(64), default="")
    comments: Mapped[str] = mapped_column(Text, default="")
    custom_questions: Mapped[str] = mapped_column(Text, default="[]")  # canonical JSON
    language: Mapped[str] = mapped_column(String(8), default="")
    status: Mapped[str] = mapped_column(String(16))  # approved | pending | cancelled
    token_nonce: Mapped[str] = mapped_column(String(32))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the registration page last e-mailed the link again (throttled per registrant).
    link_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OccurrenceRegistration(Base):
    """A registrant's place in one occurrence (registration_type 2 and 3)."""

    __tablename__ = "occurrence_registrations"
    __table_args__ = (UniqueConstraint("registrant_pk", "occurrence_pk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registrant_pk: Mapped[int] = mapped_column(ForeignKey("registrants.id", ondelete="CASCADE"))
    occurrence_pk: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)


class WebinarInstance(Base):
    """One session of a webinar (one run), with its own uuid."""

    __tablename__ = "webinar_instances"
    __table_args__ = (Index("ix_webinar_instances_webinar", "webinar_seq", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    webinar_seq: Mapped[int] = mapped_column(ForeignKey("webinars.seq", ondelete="CASCADE"))
    occurrence_pk: Mapped[int | None] = mapped_column(
        ForeignKey("occurrences.id", ondelete="SET NULL"), nullable=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Attendance(Base):
    """One join of one participant to an instance; a re-join is a new row."""

    __tablename__ = "attendances"
    __table_args__ = (
        Index("ix_attendances_instance", "instance_id", "joined_at"),
        Index("ix_attendances_registrant", "registrant_pk", "instance_id"),
        Index("ix_attendances_open", "left_at", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("webinar_instances.id", ondelete="CASCADE"))
    registrant_pk: Mapped[int | None] = mapped_column(
        ForeignKey("registrants.id", ondelete="SET NULL"), nullable=True
    )
    panelist_pk: Mapped[int | None] = mapped_column(
        ForeignKey("panelists.id", ondelete="SET NULL"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webinar_seq: Mapped[int] = mapped_column(
        ForeignKey("webinars.seq", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    questions: Mapped[str] = mapped_column(Text)  # JSON: [{name, type, answers: [...]}]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Its last launch: the session it ran in, and whether it is closed, its results shared.
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("webinar_instances.id", ondelete="SET NULL"), nullable=True
    )
    launched_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    shared_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class PollAnswer(Base):
    __tablename__ = "poll_answers"
    __table_args__ = (
        Index("ix_poll_answers_instance", "instance_id", "id"),
        Index("ix_poll_answers_voter", "poll_id", "instance_id", "email"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("webinar_instances.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QaQuestion(Base):
    __tablename__ = "qa_questions"
    __table_args__ = (Index("ix_qa_questions_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("webinar_instances.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_starred: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    dismissed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    upvotes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QaUpvote(Base):
    """One person's upvote of a question (one each: the unique key)."""

    __tablename__ = "qa_upvotes"
    __table_args__ = (UniqueConstraint("question_id", "email_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("qa_questions.id", ondelete="CASCADE"))
    email_key: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class GreenRoomVisit(Base):
    """The host or a panelist with a live page open, seen by the others in the green room
    before the webinar goes live; a row per connection, closed like attendance."""

    __tablename__ = "green_room_visits"
    __table_args__ = (Index("ix_green_room_visits_open", "webinar_seq", "left_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webinar_seq: Mapped[int] = mapped_column(ForeignKey("webinars.seq", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


# The outboxes' rows (db/outboxes.py), importable from here with every other table.
from podium.db.outboxes import (
    OutboxMessage as OutboxMessage,
)
from podium.db.outboxes import (
    WebhookDelivery as WebhookDelivery,
)
from podium.db.outboxes import (
    WebhookSubscription as WebhookSubscription,
)
