"""A webinar's schedule: its occurrences (type 9) and the instant it is over."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Row, and_, or_
from sqlalchemy.orm import Session

from podium.codes import WebinarType
from podium.db.models import Occurrence, Webinar
from podium.errors import InvalidOccurrence
from podium.recurrence import Recurrence, occurrence_starts


class Schedule(Protocol):
    """What "is it over" reads: an ORM webinar, a row of the webinars table, or facts."""

    @property
    def type(self) -> int: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def schedule_ends_at(self) -> datetime | None: ...


# "Is this webinar over?" — in Python and in SQL, side by side: a one-time webinar whose
# session was ended, or any webinar whose last planned minute has passed (type 6 never is,
# by its schedule). tests/unit/test_codes.py checks that the two agree.
def is_over(webinar: Schedule, now: datetime) -> bool:
    if webinar.type == WebinarType.SCHEDULED and webinar.ended_at is not None:
        return True
    return webinar.schedule_ends_at is not None and webinar.schedule_ends_at <= now


def is_over_clause(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Webinar.type == WebinarType.SCHEDULED, Webinar.ended_at.is_not(None)),
        and_(Webinar.schedule_ends_at.is_not(None), Webinar.schedule_ends_at <= now),
    )


def planned_starts(webinar: Webinar) -> list[datetime]:
    """The starts the webinar's current settings produce (only type 9 has occurrences)."""
    if webinar.type != WebinarType.RECURRING_FIXED_TIME or webinar.recurrence is None:
        return []
    if webinar.start_at is None:  # pragma: no cover - create and update guarantee a start
        return []
    recurrence = Recurrence.from_json(webinar.recurrence)
    return occurrence_starts(recurrence, webinar.start_at, webinar.timezone)


def reconcile_occurrences(
    session: Session, webinar: Webinar, *, keep_before: datetime | None
) -> None:
    """Make the stored occurrences follow the settings.

    Occurrences before `keep_before` (the past) stay as they were. Future occurrences that
    the new settings no longer produce go; new ones are added; deleted ones stay deleted
    (a tombstone is never resurrected by a schedule change).
    """
    starts = planned_starts(webinar)
    wanted = {start for start in starts if keep_before is None or start >= keep_before}
    existing = {occurrence.start_at: occurrence for occurrence in webinar.occurrences}
    for start, occurrence in existing.items():
        is_future = keep_before is None or start >= keep_before
        if not is_future or occurrence.is_deleted:
            continue
        if start in wanted:
            occurrence.duration = webinar.duration
        else:
            webinar.occurrences.remove(occurrence)
    for start in sorted(wanted - existing.keys()):
        webinar.occurrences.append(Occurrence(start_at=start, duration=webinar.duration))
    webinar.occurrences.sort(key=lambda occurrence: occurrence.start_at)
    session.flush()
    refresh_schedule_end(webinar)


def refresh_schedule_end(webinar: Webinar) -> None:
    """When the last planned minute of the webinar is (None: no fixed end, type 6)."""
    if webinar.type == WebinarType.RECURRING_NO_FIXED_TIME:
        webinar.schedule_ends_at = None
        return
    if webinar.type == WebinarType.RECURRING_FIXED_TIME:
        available = [o for o in webinar.occurrences if not o.is_deleted]
        last = max(available, key=lambda o: o.start_at, default=None)
        if last is not None:
            webinar.schedule_ends_at = last.start_at + timedelta(minutes=last.duration)
            return
    start = webinar.start_at
    webinar.schedule_ends_at = (
        None if start is None else start + timedelta(minutes=webinar.duration)
    )


def find_occurrence(webinar: Webinar, occurrence_id: str) -> Occurrence:
    """An available occurrence by its v1 id (epoch milliseconds of its start)."""
    for occurrence in webinar.occurrences:
        if occurrence_key(occurrence) == occurrence_id.strip() and not occurrence.is_deleted:
            return occurrence
    raise InvalidOccurrence(value=occurrence_id)


def occurrence_key(occurrence: Occurrence | Row[Any]) -> str:
    """The v1 `occurrence_id`: the start instant in epoch milliseconds, as a string."""
    return str(int(occurrence.start_at.timestamp()) * 1000)
