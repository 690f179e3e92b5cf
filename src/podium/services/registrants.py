"""Registration: register (race-free, within capacity), approve, cancel, and the listings.

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
    ColumnElement,
    Connection,
    Executable,
    Row,
    Table,
    bindparam,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from podium.db.models import (
    Account,
    Occurrence,
    OccurrenceRegistration,
    Registrant,
    Webinar,
)
from podium.db.plain import PlainQuery
from podium.errors import (
    CapacityReached,
    InvalidOccurrence,
    InvalidParameter,
    ManualApprovalRequired,
    RegistrationNotRequired,
    WebinarOver,
)
from podium.services import outbox
from podium.services.schedules import RECURRING_FIXED_TIME, find_occurrence
from podium.services.tokens import Issuer
from podium.services.webinars import NO_REGISTRATION, SCHEDULED, Page, keyed_webinar

AUTOMATIC, MANUAL = 0, 1
APPROVED, PENDING, CANCELLED = "approved", "pending", "cancelled"
ONCE_FOR_ALL, EACH_OCCURRENCE, CHOOSE_OCCURRENCES = 1, 2, 3


# A registrant's free-text profile fields, then the three with fixed answers and the comments:
# together, the "standard questions" attendees/list reports.
TEXT_FIELDS = (
    "address",
    "city",
    "country",
    "zip",
    "state",
    "phone",
    "industry",
    "org",
    "job_title",
)
STANDARD_QUESTIONS = (
    *TEXT_FIELDS,
    "purchasing_time_frame",
    "role_in_purchase_process",
    "no_of_employees",
    "comments",
)


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
    """A registrant and the occurrences this registration named (empty: all of them)."""

    registrant: Registrant
    occurrences: list[Occurrence]


def email_key(email: str) -> str:
    return email.lower()


def is_over(webinar: Webinar | Row[Any], now: datetime) -> bool:
    if webinar.type == SCHEDULED and webinar.ended_at is not None:
        return True
    return webinar.schedule_ends_at is not None and webinar.schedule_ends_at <= now


def chosen_occurrences(
    webinar: Webinar, occurrence_ids: Sequence[str], now: datetime
) -> list[Occurrence]:
    """The occurrences named, each available and still to come; bad ids are 3000."""
    if occurrence_ids and webinar.type != RECURRING_FIXED_TIME:
        raise InvalidOccurrence(value=occurrence_ids[0])
    chosen: dict[int, Occurrence] = {}
    for occurrence_id in occurrence_ids:
        occurrence = find_occurrence(webinar, occurrence_id)
        if occurrence.start_at < now:
            raise InvalidOccurrence(value=occurrence_id)
        chosen[occurrence.id] = occurrence
    needs_choice = webinar.registration_type in (EACH_OCCURRENCE, CHOOSE_OCCURRENCES)
    if webinar.type == RECURRING_FIXED_TIME and needs_choice and not chosen:
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
        "free_seat": table.update()
        .where(table.c.seq == seq)
        .values(seats_taken=table.c.seats_taken - 1),
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


def _take_seat(session: Session, webinar: Webinar) -> None:
    """One seat, atomically: the guarded UPDATE matches no row once capacity is reached."""
    taken = session.connection().execute(
        _statements()["take_seat"], {"webinar_seq_": webinar.seq, "account_id_": webinar.account_id}
    )
    if taken.rowcount != 1:
        raise CapacityReached


def _free_seat(session: Session, webinar: Webinar) -> None:
    session.connection().execute(_statements()["free_seat"], {"webinar_seq_": webinar.seq})


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


@cache
def _target_query() -> PlainQuery:
    webinars = cast("Table", Webinar.__table__)
    registrants = cast("Table", Registrant.__table__)
    return PlainQuery(
        keyed_webinar(*webinars.columns, registrants.c.id.label("known_pk")).outerjoin(
            registrants,
            (registrants.c.webinar_seq == webinars.c.seq)
            & (registrants.c.email_key == bindparam("email_key")),
        )
    )


def registration_target(
    connection: Connection, *, api_key: str, webinar_id: int, email: str
) -> Row[Any] | None:
    """webinar/register's common case, read in one statement: the webinar of the key's
    account (its columns, `secret_hash` to check, and `known_pk`: the registrant already
    holding `email`, if any); None when there is no such webinar or key."""
    return _target_query().first(
        connection, {"api_key": api_key, "webinar_id": webinar_id, "email_key": email_key(email)}
    )


@dataclass(frozen=True)
class NewRegistrant:
    registrant_id: str
    token_nonce: str


def register_new(
    connection: Connection, webinar: Row[Any], attendee: Attendee, *, issuer: Issuer, now: datetime
) -> NewRegistrant | None:
    """`register`'s common case on plain statements: a one-time or no-fixed-time webinar
    open for registration, an e-mail it does not know, a seat free. None, with nothing
    written, for anything else (`register` then decides)."""
    if webinar.type == RECURRING_FIXED_TIME or webinar.known_pk is not None:
        return None
    if webinar.approval_type == NO_REGISTRATION or is_over(webinar, now):
        return None
    status = APPROVED if webinar.approval_type == AUTOMATIC else PENDING
    try:
        values = _new_row(connection, webinar, attendee, status, issuer, now)
    except IntegrityError:  # a concurrent twin (PostgreSQL): `register` finds it
        return None
    if values is None:  # no seat left
        return None
    nonce = values["token_nonce"]
    kind = outbox.APPROVED_KIND if status == APPROVED else outbox.PENDING_KIND
    outbox.new_registrant_message(connection, webinar, attendee, nonce, kind, now=now)
    return NewRegistrant(values["registrant_id"], nonce)


def register(
    session: Session,
    webinar: Webinar,
    attendee: Attendee,
    *,
    occurrence_ids: Sequence[str],
    issuer: Issuer,
    now: datetime,
) -> Registration:
    """Register a person; the same e-mail again gives back the same registrant."""
    if webinar.approval_type == NO_REGISTRATION:
        raise RegistrationNotRequired(webinar_id=webinar.id)
    if is_over(webinar, now):
        raise WebinarOver
    occurrences = chosen_occurrences(webinar, occurrence_ids, now)
    status = APPROVED if webinar.approval_type == AUTOMATIC else PENDING
    existing = find_registrant(session, webinar, attendee.email)
    if existing is not None:
        return _register_again(session, webinar, existing, occurrences, status, issuer, now)
    try:
        registrant = _insert(session, webinar, attendee, status, issuer, now)
    except IntegrityError:
        twin = find_registrant(session, webinar, attendee.email)
        if twin is None:  # pragma: no cover - the constraint that failed was not the e-mail
            raise
        return _register_again(session, webinar, twin, occurrences, status, issuer, now)
    _attach(session, registrant, occurrences)
    _announce(session, webinar, registrant, now)
    return Registration(registrant, occurrences)


def _announce(session: Session, webinar: Webinar, registrant: Registrant, now: datetime) -> None:
    """The message of a new (or re-activated) registration: approved, or waiting."""
    kind = outbox.APPROVED_KIND if registrant.status == APPROVED else outbox.PENDING_KIND
    outbox.registrant_message(session, webinar, registrant, kind, now=now)


def _insert(
    session: Session,
    webinar: Webinar,
    attendee: Attendee,
    status: str,
    issuer: Issuer,
    now: datetime,
) -> Registrant:
    """The new registrant with its seat and position, or IntegrityError when a concurrent
    request registered the same e-mail first (then nothing of this attempt remains)."""
    values = _new_row(session.connection(), webinar, attendee, status, issuer, now)
    if values is None:
        raise CapacityReached
    return Registrant(**values)  # transient: for the answer, not for changes


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
    status: str,
    issuer: Issuer,
    now: datetime,
) -> Registration:
    """A known e-mail: the same registrant; a cancelled one comes back (with a new link)."""
    came_back = registrant.status == CANCELLED
    if came_back:
        _take_seat(session, webinar)
        registrant.status = status
        registrant.token_nonce, registrant.token_digest = issuer.new_link()
        registrant.updated_at = now
        session.flush()
    _attach(session, registrant, occurrences)
    if came_back:
        _announce(session, webinar, registrant, now)
    return Registration(registrant, occurrences)


def require_manual_approval(webinar: Webinar) -> None:
    if webinar.approval_type != MANUAL:
        raise ManualApprovalRequired(webinar_id=webinar.id)


def registrants_by_ids(
    session: Session, webinar: Webinar, registrant_ids: Sequence[str], *, name: str
) -> list[Registrant]:
    """The registrants named, all of this webinar; any other id is a 300 naming it."""
    found = {
        registrant.registrant_id: registrant
        for registrant in session.execute(
            select(Registrant).where(
                Registrant.webinar_seq == webinar.seq,
                Registrant.registrant_id.in_(set(registrant_ids)),
            )
        ).scalars()
    }
    for registrant_id in registrant_ids:
        if registrant_id not in found:
            raise InvalidParameter(
                name=name, reason=f"{registrant_id} is not a registrant of this webinar."
            )
    return [found[registrant_id] for registrant_id in dict.fromkeys(registrant_ids)]


def approve(
    session: Session, webinar: Webinar, registrant_ids: Sequence[str], *, name: str, now: datetime
) -> list[Registrant]:
    """Pending → approved; approved stays approved; a cancelled one is refused (300)."""
    require_manual_approval(webinar)
    chosen = registrants_by_ids(session, webinar, registrant_ids, name=name)
    for registrant in chosen:
        if registrant.status == CANCELLED:
            raise InvalidParameter(
                name=name,
                reason=f"{registrant.registrant_id} is cancelled; they must register again.",
            )
    newly = [registrant for registrant in chosen if registrant.status == PENDING]
    for registrant in newly:
        registrant.status = APPROVED
        registrant.updated_at = now
    session.flush()
    for registrant in newly:
        outbox.registrant_message(session, webinar, registrant, outbox.APPROVED_KIND, now=now)
    return newly


def cancel(
    session: Session,
    webinar: Webinar,
    registrant_ids: Sequence[str],
    *,
    name: str,
    occurrence_id: str | None,
    now: datetime,
) -> list[Registrant]:
    """Cancel registrations (of one occurrence, when given); the seat and the link go."""
    chosen = registrants_by_ids(session, webinar, registrant_ids, name=name)
    occurrence = None
    if occurrence_id is not None:
        if webinar.registration_type == ONCE_FOR_ALL or webinar.type != RECURRING_FIXED_TIME:
            raise InvalidOccurrence(value=occurrence_id)
        occurrence = find_occurrence(webinar, occurrence_id)
    cancelled: list[Registrant] = []
    for registrant in chosen:
        if registrant.status == CANCELLED:
            continue
        if occurrence is not None and _still_registered_elsewhere(session, registrant, occurrence):
            continue
        registrant.status = CANCELLED
        registrant.updated_at = now
        _free_seat(session, webinar)
        cancelled.append(registrant)
    session.flush()
    for registrant in cancelled:
        outbox.registrant_message(session, webinar, registrant, outbox.CANCELLED_KIND, now=now)
    return cancelled


def _still_registered_elsewhere(
    session: Session, registrant: Registrant, occurrence: Occurrence
) -> bool:
    """Cancel one occurrence of a registrant; True while other occurrences remain."""
    session.execute(
        update(OccurrenceRegistration)
        .where(
            OccurrenceRegistration.registrant_pk == registrant.id,
            OccurrenceRegistration.occurrence_pk == occurrence.id,
        )
        .values(is_cancelled=True)
    )
    remaining = session.execute(
        select(func.count())
        .select_from(OccurrenceRegistration)
        .where(
            OccurrenceRegistration.registrant_pk == registrant.id,
            OccurrenceRegistration.is_cancelled.is_(False),
        )
    ).scalar_one()
    return bool(remaining)


def _page(
    session: Session,
    conditions: list[ColumnElement[bool]],
    page: Page,
    *,
    dense: bool,
    total: int | None = None,
) -> tuple[int, list[Registrant]]:
    if total is None:
        total = int(
            session.execute(
                select(func.count()).select_from(Registrant).where(*conditions)
            ).scalar_one()
        )
    if page.offset >= total:
        return total, []
    query = select(Registrant).where(*conditions).order_by(Registrant.position).limit(page.size)
    # With every position present (1..total), a page is a range, not an OFFSET scan.
    query = query.where(Registrant.position > page.offset) if dense else query.offset(page.offset)
    return total, list(session.execute(query).scalars())


def list_by_status(
    session: Session, webinar: Webinar, status: str, page: Page
) -> tuple[int, list[Registrant]]:
    """Registrants of one status (registrants/list), in registration order."""
    require_manual_approval(webinar)
    conditions = [Registrant.webinar_seq == webinar.seq, Registrant.status == status]
    return _page(session, conditions, page, dense=False)


def list_registration(
    session: Session, webinar: Webinar, occurrence_id: str | None, page: Page
) -> tuple[int, list[Registrant]]:
    """Everyone who registered (any status), optionally only those of one occurrence."""
    conditions: list[ColumnElement[bool]] = [Registrant.webinar_seq == webinar.seq]
    # Everyone ever registered is 1..registrant_total: no COUNT over a large webinar.
    everyone = webinar.registrant_total
    if occurrence_id is None:
        return _page(session, conditions, page, dense=True, total=everyone)
    occurrence = find_occurrence(webinar, occurrence_id)
    if webinar.registration_type in (EACH_OCCURRENCE, CHOOSE_OCCURRENCES):
        conditions.append(
            exists().where(
                OccurrenceRegistration.registrant_pk == Registrant.id,
                OccurrenceRegistration.occurrence_pk == occurrence.id,
                OccurrenceRegistration.is_cancelled.is_(False),
            )
        )
        return _page(session, conditions, page, dense=False)
    return _page(session, conditions, page, dense=True, total=everyone)
