"""What the public pages say about a webinar: whether it takes registrations now (and if
not, why, in words: services/registration.admission is the rule the registration itself
follows), and the starts a person is invited to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.codes import ApprovalType, RegistrationType, WebinarType
from podium.db.models import (
    Account,
    Occurrence,
    OccurrenceRegistration,
    Registrant,
    Webinar,
)
from podium.errors import (
    NoRegistrationNeeded,
    RegistrationClosed,
    WebinarHasEnded,
    WebinarIsFull,
    WebinarIsOver,
)
from podium.services.green_room import has_ended
from podium.services.schedules import is_over


def closed_because(session: Session, webinar: Webinar, now: datetime) -> RegistrationClosed | None:
    """Why the webinar takes no registration now, or None when it takes them."""
    if webinar.approval_type == ApprovalType.NO_REGISTRATION:
        return NoRegistrationNeeded()
    if has_ended(webinar):
        return WebinarHasEnded()
    if is_over(webinar, now):
        return WebinarIsOver()
    capacity = session.get_one(Account, webinar.account_id).capacity
    if webinar.seats_taken >= capacity:
        return WebinarIsFull()
    return None


def upcoming_starts(webinar: Webinar, now: datetime) -> list[datetime]:
    """The starts still to come (a series: its available occurrences; a one-time webinar:
    its start, even if under way; none for a webinar with no fixed time)."""
    if webinar.type == WebinarType.RECURRING_FIXED_TIME:
        return [o.start_at for o in webinar.occurrences if not o.is_deleted and o.start_at >= now]
    return [] if webinar.start_at is None else [webinar.start_at]


def registrant_starts(
    session: Session, webinar: Webinar, registrant: Registrant, now: datetime
) -> list[datetime]:
    """The starts still to come that a registrant is invited to (the occurrences they chose,
    when the webinar registers per occurrence)."""
    starts = upcoming_starts(webinar, now)
    per_occurrence = RegistrationType(webinar.registration_type).is_per_occurrence
    if webinar.type != WebinarType.RECURRING_FIXED_TIME or not per_occurrence:
        return starts
    chosen = set(
        session.execute(
            select(Occurrence.start_at)
            .join(OccurrenceRegistration, OccurrenceRegistration.occurrence_pk == Occurrence.id)
            .where(
                OccurrenceRegistration.registrant_pk == registrant.id,
                OccurrenceRegistration.is_cancelled.is_(False),
            )
        ).scalars()
    )
    return [start for start in starts if start in chosen]
