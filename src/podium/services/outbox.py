"""The outbox: every e-mail Podium sends, written in the transaction of its event.

Which event sends what (kinds):

    registration approved at once, or approved by the host → registration_approved (+ .ics)
    registration waiting for approval                       → registration_pending
    registration cancelled (by the host or the registrant)  → registration_cancelled (.ics CANCEL)
    panelist added                                          → panelist_invited (+ .ics)
    webinar time changed, an occurrence deleted             → webinar_updated (.ics, SEQUENCE+1)
                                                              to approved registrants, panelists
    webinar deleted                                         → webinar_cancelled (.ics CANCEL)

A message's payload freezes what it says as of the event; `podium.mail` renders and sends it.
Links travel as their nonces: the link itself is derived with the instance key when rendered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Connection, Insert, Row, func, insert, select
from sqlalchemy.orm import Session

from podium.db.models import (
    Occurrence,
    OccurrenceRegistration,
    OutboxMessage,
    Panelist,
    Registrant,
    Webinar,
)
from podium.services.schedules import RECURRING_FIXED_TIME
from podium.timestamps import format_timestamp

APPROVED_KIND = "registration_approved"
PENDING_KIND = "registration_pending"
CANCELLED_KIND = "registration_cancelled"
PANELIST_KIND = "panelist_invited"
UPDATED_KIND = "webinar_updated"
WEBINAR_CANCELLED_KIND = "webinar_cancelled"
KINDS = (
    APPROVED_KIND,
    PENDING_KIND,
    CANCELLED_KIND,
    PANELIST_KIND,
    UPDATED_KIND,
    WEBINAR_CANCELLED_KIND,
)
PENDING, SENT, FAILED = "pending", "sent", "failed"
PER_OCCURRENCE = (2, 3)  # registration types where each registrant picks occurrences


def _starts(
    webinar: Webinar | Row[Any], occurrences: Iterable[Occurrence] | None = None
) -> list[str]:
    if webinar.type == RECURRING_FIXED_TIME:
        chosen = webinar.occurrences if occurrences is None else occurrences
        return [format_timestamp(o.start_at) for o in chosen if not o.is_deleted]
    return [] if webinar.start_at is None else [format_timestamp(webinar.start_at)]


def _registrant_occurrences(
    session: Session, webinar: Webinar, registrant_pk: int
) -> list[Occurrence] | None:
    if webinar.type != RECURRING_FIXED_TIME or webinar.registration_type not in PER_OCCURRENCE:
        return None
    return list(
        session.execute(
            select(Occurrence)
            .join(OccurrenceRegistration, OccurrenceRegistration.occurrence_pk == Occurrence.id)
            .where(
                OccurrenceRegistration.registrant_pk == registrant_pk,
                OccurrenceRegistration.is_cancelled.is_(False),
            )
            .order_by(Occurrence.start_at)
        ).scalars()
    )


def _webinar(webinar: Webinar | Row[Any], starts: list[str]) -> dict[str, Any]:
    return {
        "id": webinar.id,
        "uuid": webinar.uuid,
        "topic": webinar.topic,
        "agenda": webinar.agenda,
        "timezone": webinar.timezone,
        "duration": webinar.duration,
        "starts": starts,
        "sequence": webinar.calendar_sequence,
    }


@dataclass(frozen=True)
class Addressee:
    """Who a message goes to, and what is theirs in it."""

    email: str
    name: str
    language: str
    starts: list[str]  # the event's start times, as this person is invited to them
    link: dict[str, str] | None  # personal link: {"role", "nonce"}


def _enqueue(
    session: Session, webinar: Webinar, kind: str, to: Addressee, *, now: datetime
) -> None:
    _write(session.connection(), webinar, kind, to, now=now)


def _write(
    connection: Connection, webinar: Webinar | Row[Any], kind: str, to: Addressee, *, now: datetime
) -> None:
    payload = {"webinar": _webinar(webinar, to.starts), "link": to.link}
    connection.execute(
        _insert_statement(),
        {
            "webinar_seq": webinar.seq,
            "kind": kind,
            "recipient": to.email,
            "recipient_name": to.name,
            "language": to.language or webinar.language,
            "payload": json.dumps(payload, separators=(",", ":")),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
            "created_at": now,
        },
    )


@cache
def _insert_statement() -> Insert:
    """Built once: registration is a hot path, and composing a statement costs more than
    SQLite takes to run it."""
    return insert(OutboxMessage)


def _registrant(session: Session, webinar: Webinar, registrant: Registrant, kind: str) -> Addressee:
    occurrences = _registrant_occurrences(session, webinar, registrant.id)
    starts = _starts(webinar, occurrences)
    return _person(registrant, registrant.token_nonce, starts, kind, registrant.token_digest)


class Person(Protocol):
    """A registrant as stored, or as just given (services.registrants.Attendee)."""

    @property
    def email(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def language(self) -> str: ...


def _person(
    person: Person, nonce: str, starts: list[str], kind: str, digest: str | None = None
) -> Addressee:
    """`digest`: the link's stored digest, which picks the key after a key rotation."""
    with_link = kind not in (CANCELLED_KIND, WEBINAR_CANCELLED_KIND)
    link = {"role": "registrant", "nonce": nonce}
    if digest is not None:
        link["digest"] = digest
    return Addressee(
        person.email,
        f"{person.first_name} {person.last_name}".strip(),
        person.language,
        starts,
        link if with_link else None,
    )


def _panelist(webinar: Webinar, panelist: Panelist, kind: str) -> Addressee:
    with_link = kind != WEBINAR_CANCELLED_KIND
    return Addressee(
        panelist.email,
        panelist.name,
        webinar.language,
        _starts(webinar),
        {"role": "panelist", "nonce": panelist.token_nonce, "digest": panelist.token_digest}
        if with_link
        else None,
    )


def registrant_message(
    session: Session, webinar: Webinar, registrant: Registrant, kind: str, *, now: datetime
) -> None:
    """One message to a registrant about their registration."""
    _enqueue(session, webinar, kind, _registrant(session, webinar, registrant, kind), now=now)


def new_registrant_message(
    connection: Connection,
    webinar: Row[Any],
    person: Person,
    nonce: str,
    kind: str,
    *,
    now: datetime,
) -> None:
    """registrant_message for a new registrant of a webinar that is not a series, on plain
    statements (services.registrants.register_new)."""
    _write(connection, webinar, kind, _person(person, nonce, _starts(webinar), kind), now=now)


def panelist_message(
    session: Session, webinar: Webinar, panelist: Panelist, *, now: datetime
) -> None:
    _enqueue(session, webinar, PANELIST_KIND, _panelist(webinar, panelist, PANELIST_KIND), now=now)


def schedule_changed(session: Session, webinar: Webinar, *, cancelled: bool, now: datetime) -> None:
    """The webinar's time changed (or it was deleted): a new calendar SEQUENCE, and a
    message to every approved registrant and every panelist."""
    webinar.calendar_sequence += 1
    session.flush()
    kind = WEBINAR_CANCELLED_KIND if cancelled else UPDATED_KIND
    registrants = session.execute(
        select(Registrant)
        .where(Registrant.webinar_seq == webinar.seq, Registrant.status == "approved")
        .order_by(Registrant.position)
    ).scalars()
    for registrant in registrants:
        _enqueue(session, webinar, kind, _registrant(session, webinar, registrant, kind), now=now)
    panelists = session.execute(
        select(Panelist).where(Panelist.webinar_seq == webinar.seq).order_by(Panelist.id)
    ).scalars()
    for panelist in panelists:
        _enqueue(session, webinar, kind, _panelist(webinar, panelist, kind), now=now)


def backlog(session: Session) -> tuple[int, datetime | None]:
    """Messages waiting to be sent, and when the oldest of them was written."""
    row = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == PENDING
        )
    ).one()
    return int(row[0]), row[1]
