"""Recording domain events on the unit of work, the facts they carry, and the hand-over to
the durable consumers inside the transaction (podium/events.py tells the whole story)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.orm import Session

from podium.codes import STANDARD_QUESTIONS, RegistrantStatus
from podium.db.models import Occurrence, Panelist, Registrant, Webinar
from podium.events import (
    Event,
    OccurrenceFacts,
    PanelistFacts,
    RegistrantFacts,
    WebinarFacts,
)
from podium.services.schedules import occurrence_key

T = TypeVar("T")
RECORDED = "podium.events"  # the key of a session's recorded events in Session.info

# A consumer that writes what it owes to the events in the same transaction (an outbox).
DurableConsumer = Callable[[Session, Sequence[Event]], None]


def record(session: Session, event: Event) -> None:
    """`event` happened in this unit of work; it is handed out only if the work commits."""
    session.info.setdefault(RECORDED, []).append(event)


def in_unit_of_work(
    work: Callable[[Session], T], consumers: Sequence[DurableConsumer]
) -> Callable[[Session], tuple[T, list[Event]]]:
    """`work`, followed (in its transaction) by the durable consumers of the events it
    recorded: the result and the events, for the live consumers after the commit."""

    def unit(session: Session) -> tuple[T, list[Event]]:
        session.info.pop(RECORDED, None)  # a session reused after a failed attempt
        result = work(session)
        events: list[Event] = session.info.pop(RECORDED, [])
        if events:
            for consume in consumers:
                consume(session, events)
        return result, events

    return unit


# -- facts: plain values of what the events talk about ----------------------------------------


def occurrence_facts(occurrence: Occurrence | Row[Any]) -> OccurrenceFacts:
    return OccurrenceFacts(
        occurrence_key(occurrence), occurrence.start_at, occurrence.duration, occurrence.is_deleted
    )


def webinar_facts(
    webinar: Webinar | Row[Any],
    *,
    host_id: str | None = None,
    host_email: str | None = None,
    occurrences: Sequence[Occurrence | Row[Any]] | None = None,
) -> WebinarFacts:
    """Facts of an ORM webinar (host and occurrences come with it) or of a row of the
    webinars table (then `host_id`, `host_email` and `occurrences` come beside it)."""
    if isinstance(webinar, Webinar):
        host_id, host_email = webinar.host.host_id, webinar.host.email
        occurrences = webinar.occurrences
    return WebinarFacts(
        account_id=webinar.account_id,
        seq=webinar.seq,
        id=webinar.id,
        uuid=webinar.uuid,
        host_id=host_id or "",
        host_email=host_email or "",
        topic=webinar.topic,
        agenda=webinar.agenda,
        type=webinar.type,
        status=webinar.status,
        start_at=webinar.start_at,
        duration=webinar.duration,
        timezone=webinar.timezone,
        password=webinar.password,
        approval_type=webinar.approval_type,
        registration_type=webinar.registration_type,
        language=webinar.language,
        calendar_sequence=webinar.calendar_sequence,
        recurrence=webinar.recurrence,
        option_audio=webinar.option_audio,
        option_host_video=webinar.option_host_video,
        option_panelist_video=webinar.option_panelist_video,
        option_practice_session=webinar.option_practice_session,
        option_enforce_login=webinar.option_enforce_login,
        option_alternative_hosts=webinar.option_alternative_hosts,
        option_auto_record_type=webinar.option_auto_record_type,
        occurrences=tuple(occurrence_facts(o) for o in occurrences or ()),
    )


def registrant_facts(registrant: Registrant | Mapping[str, Any]) -> RegistrantFacts:
    """Facts of a registrant: the ORM object, or its column values (the fast path's insert)."""
    values: Callable[[str], Any] = (
        registrant.__getitem__
        if isinstance(registrant, Mapping)
        else lambda name: getattr(registrant, name)
    )
    profile = {name: values(name) for name in STANDARD_QUESTIONS if values(name)}
    return RegistrantFacts(
        pk=values("id"),
        registrant_id=values("registrant_id"),
        email=values("email"),
        first_name=values("first_name"),
        last_name=values("last_name"),
        status=RegistrantStatus(values("status")),
        token_nonce=values("token_nonce"),
        token_digest=values("token_digest"),
        language=values("language"),
        created_at=values("created_at"),
        profile=profile,
        custom_questions=values("custom_questions"),
    )


def panelist_facts(panelist: Panelist) -> PanelistFacts:
    return PanelistFacts(
        panelist.id, panelist.name, panelist.email, panelist.token_nonce, panelist.token_digest
    )
