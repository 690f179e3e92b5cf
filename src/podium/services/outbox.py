"""The mail outbox: the e-mails Podium owes for what happened, written by `write_messages`
(a durable event consumer) in the transaction of the events that cause them.

Which event sends what (kinds):

    RegistrantCreated, approved at once              → registration_approved (+ .ics)
    RegistrantCreated, waiting for approval          → registration_pending, and
                                                       approval_needed to the webinar's host
    RegistrantApproved                               → registration_approved (+ .ics)
    RegistrantLinkRequested, approved                → registration_link (+ .ics): the
      (a known e-mail on the registration page)        link again; pending → registration_pending
    RegistrantCancelled (by the host or themselves)  → registration_cancelled (.ics CANCEL)
    PanelistAdded                                    → panelist_invited (+ .ics)
    WebinarUpdated (its schedule), WebinarDeleted    → webinar_updated (.ics, SEQUENCE+1)
      (some occurrences)                               to approved registrants, panelists
    WebinarDeleted (the whole webinar)               → webinar_cancelled (.ics CANCEL)

A message's payload freezes what it says as of the event; `podium.mail` renders and sends it.
Links travel as their nonces: the link itself is derived with the instance key when rendered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, func, insert, select
from sqlalchemy.orm import Session

from podium.codes import PER_OCCURRENCE, DeliveryStatus, RegistrantStatus, WebinarType
from podium.db.models import (
    Occurrence,
    OccurrenceRegistration,
    OutboxMessage,
    Panelist,
    Registrant,
)
from podium.events import (
    Event,
    PanelistAdded,
    PanelistFacts,
    RegistrantApproved,
    RegistrantCancelled,
    RegistrantCreated,
    RegistrantFacts,
    RegistrantLinkRequested,
    WebinarDeleted,
    WebinarFacts,
    WebinarUpdated,
)
from podium.timestamps import format_timestamp

APPROVED_KIND = "registration_approved"
LINK_KIND = "registration_link"
PENDING_KIND = "registration_pending"
CANCELLED_KIND = "registration_cancelled"
PANELIST_KIND = "panelist_invited"
UPDATED_KIND = "webinar_updated"
WEBINAR_CANCELLED_KIND = "webinar_cancelled"
APPROVAL_KIND = "approval_needed"  # to the host: someone waits for their approval
KINDS = (
    APPROVAL_KIND,
    APPROVED_KIND,
    LINK_KIND,
    PENDING_KIND,
    CANCELLED_KIND,
    PANELIST_KIND,
    UPDATED_KIND,
    WEBINAR_CANCELLED_KIND,
)
WITHOUT_LINK = (CANCELLED_KIND, WEBINAR_CANCELLED_KIND, APPROVAL_KIND)


def write_messages(session: Session, events: Sequence[Event]) -> None:
    """The e-mails the events call for, into the outbox (the table above)."""
    for event in events:
        match event:
            case RegistrantCreated(webinar=webinar, registrant=registrant, at=at):
                kind = (
                    APPROVED_KIND
                    if registrant.status == RegistrantStatus.APPROVED
                    else PENDING_KIND
                )
                _to_registrant(session, webinar, registrant, kind, at)
                if kind == PENDING_KIND:
                    _to_host(session, webinar, registrant, at)
            case RegistrantApproved(webinar=webinar, registrant=registrant, at=at):
                _to_registrant(session, webinar, registrant, APPROVED_KIND, at)
            case RegistrantLinkRequested(webinar=webinar, registrant=registrant, at=at):
                kind = LINK_KIND if registrant.status == RegistrantStatus.APPROVED else PENDING_KIND
                _to_registrant(session, webinar, registrant, kind, at)
            case RegistrantCancelled(webinar=webinar, registrant=registrant, at=at):
                _to_registrant(session, webinar, registrant, CANCELLED_KIND, at)
            case PanelistAdded(webinar=webinar, panelist=panelist, at=at):
                _write(
                    session.connection(),
                    webinar,
                    PANELIST_KIND,
                    _panelist(webinar, panelist, PANELIST_KIND),
                    at,
                )
            case WebinarUpdated(webinar=webinar, schedule_changed=True, at=at):
                _to_everyone(session, webinar, UPDATED_KIND, at)
            case WebinarDeleted(webinar=webinar, occurrence_ids=occurrence_ids, at=at):
                kind = UPDATED_KIND if occurrence_ids else WEBINAR_CANCELLED_KIND
                _to_everyone(session, webinar, kind, at)
            case _:
                pass


def _starts(webinar: WebinarFacts, chosen: Sequence[datetime] | None = None) -> list[str]:
    if webinar.type == WebinarType.RECURRING_FIXED_TIME:
        starts = [o.start_at for o in webinar.available_occurrences] if chosen is None else chosen
        return [format_timestamp(start) for start in starts]
    return [] if webinar.start_at is None else [format_timestamp(webinar.start_at)]


def _chosen_starts(
    session: Session, webinar: WebinarFacts, registrant_pk: int
) -> list[datetime] | None:
    """The starts of the occurrences a registrant chose (None: they come to all)."""
    if (
        webinar.type != WebinarType.RECURRING_FIXED_TIME
        or webinar.registration_type not in PER_OCCURRENCE
    ):
        return None
    return list(
        session.execute(
            select(Occurrence.start_at)
            .join(OccurrenceRegistration, OccurrenceRegistration.occurrence_pk == Occurrence.id)
            .where(
                OccurrenceRegistration.registrant_pk == registrant_pk,
                OccurrenceRegistration.is_cancelled.is_(False),
                Occurrence.is_deleted.is_(False),
            )
            .order_by(Occurrence.start_at)
        ).scalars()
    )


def _webinar(webinar: WebinarFacts, starts: list[str]) -> dict[str, Any]:
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


def _write(
    connection: Connection,
    webinar: WebinarFacts,
    kind: str,
    to: Addressee,
    now: datetime,
    *,
    about: dict[str, str] | None = None,
) -> None:
    payload: dict[str, Any] = {"webinar": _webinar(webinar, to.starts), "link": to.link}
    if about is not None:  # the person a message to the host is about
        payload["about"] = about
    connection.execute(
        _insert_statement(),
        {
            "webinar_seq": webinar.seq,
            "kind": kind,
            "recipient": to.email,
            "recipient_name": to.name,
            "language": to.language or webinar.language,
            "payload": json.dumps(payload, separators=(",", ":")),
            "status": DeliveryStatus.PENDING,
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


def _registrant(
    session: Session, webinar: WebinarFacts, registrant: RegistrantFacts, kind: str
) -> Addressee:
    starts = _starts(webinar, _chosen_starts(session, webinar, registrant.pk))
    link = None
    if kind not in WITHOUT_LINK:  # the digest picks the key the link was made with
        link = {
            "role": "registrant",
            "nonce": registrant.token_nonce,
            "digest": registrant.token_digest,
        }
    return Addressee(registrant.email, registrant.name, registrant.language, starts, link)


def _panelist(webinar: WebinarFacts, panelist: PanelistFacts, kind: str) -> Addressee:
    link = None
    if kind not in WITHOUT_LINK:
        link = {"role": "panelist", "nonce": panelist.token_nonce, "digest": panelist.token_digest}
    return Addressee(panelist.email, panelist.name, webinar.language, _starts(webinar), link)


def _to_registrant(
    session: Session, webinar: WebinarFacts, registrant: RegistrantFacts, kind: str, now: datetime
) -> None:
    _write(
        session.connection(), webinar, kind, _registrant(session, webinar, registrant, kind), now
    )


def _to_host(
    session: Session, webinar: WebinarFacts, registrant: RegistrantFacts, now: datetime
) -> None:
    """The host hears that `registrant` waits for their approval (the dashboard's link is
    made when the message is rendered)."""
    host = Addressee(webinar.host_email, "", webinar.language, _starts(webinar), None)
    about = {"name": registrant.name, "email": registrant.email}
    _write(session.connection(), webinar, APPROVAL_KIND, host, now, about=about)


def _to_everyone(session: Session, webinar: WebinarFacts, kind: str, now: datetime) -> None:
    """A message about the whole webinar to every approved registrant and every panelist."""
    from podium.services.events import panelist_facts, registrant_facts

    registrants = session.execute(
        select(Registrant)
        .where(
            Registrant.webinar_seq == webinar.seq,
            Registrant.status == RegistrantStatus.APPROVED,
        )
        .order_by(Registrant.position)
    ).scalars()
    for registrant in registrants:
        _to_registrant(session, webinar, registrant_facts(registrant), kind, now)
    panelists = session.execute(
        select(Panelist).where(Panelist.webinar_seq == webinar.seq).order_by(Panelist.id)
    ).scalars()
    for panelist in panelists:
        _write(
            session.connection(),
            webinar,
            kind,
            _panelist(webinar, panelist_facts(panelist), kind),
            now,
        )


def backlog(session: Session) -> tuple[int, datetime | None]:
    """Messages waiting to be sent, and when the oldest of them was written."""
    row = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == DeliveryStatus.PENDING
        )
    ).one()
    return int(row[0]), row[1]
