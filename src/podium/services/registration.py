"""Registering: the rule that decides a new registration's status, and the two ways to carry
it out — the common case on plain statements (`register_new`) and every case on the ORM
(`register`). Both call the same `admission` rule, write the same row (`_new_row`) and record
the same event; the mail it causes is the outbox consumer's business.

Uniqueness per e-mail is the database's UNIQUE (webinar, email_key); seats are taken with a
guarded UPDATE (`seats_taken < capacity`), so neither can be beaten by a concurrent request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Connection,
    Executable,
    Row,
    Select,
    Table,
    bindparam,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from podium.codes import ApprovalType, RegistrantStatus, RegistrationType, WebinarType
from podium.db.models import Account, Occurrence, OccurrenceRegistration, Registrant, User, Webinar
from podium.db.plain import PlainQuery
from podium.errors import (
    CapacityReached,
    InvalidOccurrence,
    InvalidParameter,
    RegistrationNotRequired,
    WebinarOver,
)
from podium.events import RegistrantCreated
from podium.services.events import record, registrant_facts, webinar_facts
from podium.services.lookup import keyed_webinar
from podium.services.questions import check_answers, questions_of
from podium.services.schedules import find_occurrence, is_over
from podium.services.tokens import Issuer


@dataclass(frozen=True)
class Attendee:
    """What a person gives when registering (validated by the caller)."""

    email: str
    first_name: str
    last_name: str
    address: str = ""
    city: str = ""
    country: str = ""
    zip: str = ""
    state: str = ""
    phone: str = ""
    industry: str = ""
    org: str = ""
    job_title: str = ""
    purchasing_time_frame: str = ""
    role_in_purchase_process: str = ""
    no_of_employees: str = ""
    comments: str = ""
    custom_questions: str = "[]"
    language: str = ""

    def columns(self) -> dict[str, str]:
        """The registrant columns it fills (dataclasses.asdict deep-copies: too slow here)."""
        return {name: getattr(self, name) for name in ATTENDEE_FIELDS}


ATTENDEE_FIELDS = tuple(field.name for field in fields(Attendee))


@dataclass(frozen=True)
class Registration:
    """A registrant and the occurrences this registration named (empty: all of them);
    `previous_status`: the registrant's status before, when the e-mail was already known."""

    registrant: Registrant
    occurrences: list[Occurrence]
    previous_status: RegistrantStatus | None = None


def email_key(email: str) -> str:
    return email.lower()


def admission(
    webinar: Webinar | Row[Any], now: datetime, *, auto_approve: bool = False
) -> RegistrantStatus:
    """The rule: the status a registration to `webinar` gets now, or why there is none.
    `auto_approve` (a host's batch registration) approves where the host would have to.
    (What the person must answer is the form's rule: services/questions.check_answers.)"""
    if webinar.approval_type == ApprovalType.NO_REGISTRATION:
        raise RegistrationNotRequired(webinar_id=webinar.id)
    if is_over(webinar, now):
        raise WebinarOver
    if webinar.approval_type == ApprovalType.AUTOMATIC or auto_approve:
        return RegistrantStatus.APPROVED
    return RegistrantStatus.PENDING


def chosen_occurrences(
    webinar: Webinar, occurrence_ids: Sequence[str], now: datetime
) -> list[Occurrence]:
    """The occurrences named, each available and still to come; bad ids are 3000."""
    if occurrence_ids and webinar.type != WebinarType.RECURRING_FIXED_TIME:
        raise InvalidOccurrence(value=occurrence_ids[0])
    chosen: dict[int, Occurrence] = {}
    for occurrence_id in occurrence_ids:
        occurrence = find_occurrence(webinar, occurrence_id)
        if occurrence.start_at < now:
            raise InvalidOccurrence(value=occurrence_id)
        chosen[occurrence.id] = occurrence
    needs_choice = RegistrationType(webinar.registration_type).is_per_occurrence
    if webinar.type == WebinarType.RECURRING_FIXED_TIME and needs_choice and not chosen:
        raise InvalidParameter(
            name="occurrence_ids", reason="This webinar registers per occurrence: name one or more."
        )
    return list(chosen.values())


# Statements of the registration hot path are built once (Core, on the session's connection):
# composing an ORM expression costs more than SQLite takes to run it.
@cache
def _statements() -> dict[str, Executable]:
    seq: BindParameter[int] = bindparam("webinar_seq_")
    capacity = select(Account.capacity).where(Account.id == bindparam("account_id_"))
    table = cast("Table", Webinar.__table__)
    return {
        "take_seat": table.update()
        .where(table.c.seq == seq, table.c.seats_taken < capacity.scalar_subquery())
        .values(seats_taken=table.c.seats_taken + 1),
        # A seat and the next position at once; no row once capacity is reached.
        "seat_and_position": table.update()
        .where(table.c.seq == seq, table.c.seats_taken < capacity.scalar_subquery())
        .values(seats_taken=table.c.seats_taken + 1, registrant_total=table.c.registrant_total + 1)
        .returning(table.c.registrant_total),
        "insert": insert(Registrant).returning(Registrant.id),
        "find": select(Registrant).where(
            Registrant.webinar_seq == seq, Registrant.email_key == bindparam("email_key_")
        ),
    }


def take_seat(session: Session, webinar: Webinar) -> None:
    """One seat, atomically: the guarded UPDATE matches no row once capacity is reached."""
    taken = session.connection().execute(
        _statements()["take_seat"], {"webinar_seq_": webinar.seq, "account_id_": webinar.account_id}
    )
    if taken.rowcount != 1:
        raise CapacityReached


def find_registrant(session: Session, webinar: Webinar, email: str) -> Registrant | None:
    return session.execute(
        _statements()["find"], {"webinar_seq_": webinar.seq, "email_key_": email_key(email)}
    ).scalar_one_or_none()


def _attach(session: Session, registrant: Registrant, occurrences: list[Occurrence]) -> None:
    """Registrations for the chosen occurrences (idempotent; re-activates cancelled ones)."""
    if not occurrences:
        return
    current = {
        row.occurrence_pk: row
        for row in session.execute(
            select(OccurrenceRegistration).where(
                OccurrenceRegistration.registrant_pk == registrant.id
            )
        ).scalars()
    }
    for occurrence in occurrences:
        row = current.get(occurrence.id)
        if row is None:
            session.add(
                OccurrenceRegistration(registrant_pk=registrant.id, occurrence_pk=occurrence.id)
            )
        else:
            row.is_cancelled = False
    session.flush()


# -- the common case on plain statements ------------------------------------------------------


def _with_target(query: Select[Any]) -> Select[Any]:
    """A webinar's columns, its host's `host_id` and `host_email`, and `known_pk`: the
    registrant already holding `:email_key`, if any."""
    webinars = cast("Table", Webinar.__table__)
    registrants = cast("Table", Registrant.__table__)
    users = cast("Table", User.__table__)
    return (
        query.add_columns(
            *webinars.columns,
            users.c.host_id,
            users.c.email.label("host_email"),
            registrants.c.id.label("known_pk"),
        )
        .join(users, users.c.id == webinars.c.host_user_id)
        .outerjoin(
            registrants,
            (registrants.c.webinar_seq == webinars.c.seq)
            & (registrants.c.email_key == bindparam("email_key")),
        )
    )


@cache
def _target_query() -> PlainQuery:
    return PlainQuery(_with_target(keyed_webinar()))


@cache
def _account_target_query() -> PlainQuery:
    webinars = cast("Table", Webinar.__table__)
    return PlainQuery(
        _with_target(
            select()
            .select_from(webinars)
            .where(
                webinars.c.id == bindparam("webinar_id"),
                webinars.c.account_id == bindparam("account_id"),
                webinars.c.deleted_at.is_(None),
            )
        )
    )


def account_registration_target(
    connection: Connection, *, account_id: int, webinar_id: int, email: str
) -> Row[Any] | None:
    """`registration_target` for a caller already known by its account (a v2 token): the
    account's live webinar, its host and `known_pk`, in one statement; None when none."""
    return _account_target_query().first(
        connection,
        {"account_id": account_id, "webinar_id": webinar_id, "email_key": email_key(email)},
    )


def registration_target(
    connection: Connection, *, api_key: str, webinar_id: int, email: str
) -> Row[Any] | None:
    """webinar/register's common case, read in one statement: the webinar of the key's
    account (its columns, its host's `host_id` and `host_email`, `secret_hash` to check, and
    `known_pk`: the registrant already holding `email`, if any); None when there is no such
    webinar or key."""
    return _target_query().first(
        connection, {"api_key": api_key, "webinar_id": webinar_id, "email_key": email_key(email)}
    )


def register_new(
    session: Session, webinar: Row[Any], attendee: Attendee, *, issuer: Issuer, now: datetime
) -> dict[str, Any] | None:
    """`register` for a new e-mail to a webinar that is not a series, on plain statements:
    the new registrant's columns, or None — with nothing written — when the case is not that
    simple (a known e-mail, a series, no seat left, a concurrent twin): `register` decides
    those. `admission`'s errors are raised as `register` raises them."""
    if webinar.type == WebinarType.RECURRING_FIXED_TIME or webinar.known_pk is not None:
        return None
    status = admission(webinar, now)
    check_answers(questions_of(webinar), attendee)
    try:
        values = _new_row(session.connection(), webinar, attendee, status, issuer, now)
    except IntegrityError:  # a concurrent twin (PostgreSQL): `register` finds it
        return None
    if values is None:  # no seat left: `register` raises CapacityReached
        return None
    facts = webinar_facts(webinar, host_id=webinar.host_id, host_email=webinar.host_email)
    record(session, RegistrantCreated(webinar=facts, registrant=registrant_facts(values), at=now))
    return values


# -- every case, on the ORM ----------------------------------------------------------------------


def register(
    session: Session,
    webinar: Webinar,
    attendee: Attendee,
    *,
    occurrence_ids: Sequence[str],
    issuer: Issuer,
    now: datetime,
    auto_approve: bool = False,
) -> Registration:
    """Register a person; the same e-mail again gives back the same registrant."""
    status = admission(webinar, now, auto_approve=auto_approve)
    check_answers(questions_of(webinar), attendee)
    occurrences = chosen_occurrences(webinar, occurrence_ids, now)
    existing = find_registrant(session, webinar, attendee.email)
    if existing is not None:
        return _register_again(session, webinar, existing, occurrences, status, issuer, now)
    values = None
    try:
        values = _new_row(session.connection(), webinar, attendee, status, issuer, now)
    except IntegrityError:
        twin = find_registrant(session, webinar, attendee.email)
        if twin is None:  # pragma: no cover - the constraint that failed was not the e-mail
            raise
        return _register_again(session, webinar, twin, occurrences, status, issuer, now)
    if values is None:
        raise CapacityReached
    registrant = Registrant(**values)  # transient: for the answer, not for changes
    _attach(session, registrant, occurrences)
    _announce(session, webinar, registrant, now)
    return Registration(registrant, occurrences)


def _announce(session: Session, webinar: Webinar, registrant: Registrant, now: datetime) -> None:
    """A new (or re-activated) registration happened."""
    facts = registrant_facts(registrant)
    record(session, RegistrantCreated(webinar=webinar_facts(webinar), registrant=facts, at=now))


def _new_row(
    connection: Connection,
    webinar: Webinar | Row[Any],
    attendee: Attendee,
    status: str,
    issuer: Issuer,
    now: datetime,
) -> dict[str, Any] | None:
    """Take a seat and the next position, insert the registrant: its columns (with `id`),
    or None when no seat is left. IntegrityError when a concurrent request registered the
    same e-mail first; nothing of this attempt then remains.

    On SQLite the transaction holds the write lock from its first statement (BEGIN
    IMMEDIATE), so no twin can appear after the e-mail was looked up: no savepoint is
    needed. On PostgreSQL a savepoint lets the transaction go on after the unique index
    refused a twin.
    """
    nested = connection.begin_nested() if connection.dialect.name != "sqlite" else None
    try:
        position = connection.execute(
            _statements()["seat_and_position"],
            {"webinar_seq_": webinar.seq, "account_id_": webinar.account_id},
        ).scalar()
        if position is None:
            if nested is not None:
                nested.rollback()
            return None
        nonce, digest = issuer.new_link()
        values: dict[str, Any] = {
            "registrant_id": issuer.ids.registrant_id(),
            "webinar_seq": webinar.seq,
            "position": position,
            "email_key": email_key(attendee.email),
            "status": status,
            "token_nonce": nonce,
            "token_digest": digest,
            "created_at": now,
            "updated_at": now,
            **attendee.columns(),
        }
        values["id"] = connection.execute(_statements()["insert"], values).scalar_one()
    except IntegrityError:
        if nested is not None:
            nested.rollback()
        raise
    if nested is not None:
        nested.commit()
    return values


def _register_again(
    session: Session,
    webinar: Webinar,
    registrant: Registrant,
    occurrences: list[Occurrence],
    status: RegistrantStatus,
    issuer: Issuer,
    now: datetime,
) -> Registration:
    """A known e-mail: the same registrant. A cancelled one comes back (with a new link);
    a denied one stays denied (the host's answer is not undone by asking again)."""
    previous = RegistrantStatus(registrant.status)
    came_back = previous == RegistrantStatus.CANCELLED
    if came_back:
        take_seat(session, webinar)
        registrant.status = status
        registrant.token_nonce, registrant.token_digest = issuer.new_link()
        registrant.updated_at = now
        session.flush()
    _attach(session, registrant, occurrences)
    if came_back:
        _announce(session, webinar, registrant, now)
    return Registration(registrant, occurrences, previous)
