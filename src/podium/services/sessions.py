"""Running a webinar: instances (sessions), who joined and left, and the end.

A participant is present while their live connection is open. Each join is a row; a re-join
is a new row. Rows left open by a lost connection or a restart are closed at the last
heartbeat seen once it is older than the heartbeat timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from podium.db.models import Attendance, Occurrence, Webinar, WebinarInstance
from podium.ids import Ids
from podium.services.schedules import RECURRING_FIXED_TIME

STARTED, ENDED = 1, 2


@dataclass(frozen=True)
class Participant:
    """Who is in the room: an attendee (registrant or walk-in), a panelist, or the host."""

    role: str  # "host" | "panelist" | "attendee"
    name: str
    email: str
    registrant_pk: int | None = None
    panelist_pk: int | None = None


def running_instance(session: Session, webinar: Webinar) -> WebinarInstance | None:
    return session.execute(
        select(WebinarInstance).where(
            WebinarInstance.webinar_seq == webinar.seq, WebinarInstance.ended_at.is_(None)
        )
    ).scalar_one_or_none()


def current_occurrence(webinar: Webinar, now: datetime) -> Occurrence | None:
    """For a recurring webinar: the occurrence under way, else the next one to come."""
    if webinar.type != RECURRING_FIXED_TIME:
        return None
    available = [o for o in webinar.occurrences if not o.is_deleted]
    for occurrence in available:
        if (
            occurrence.start_at
            <= now
            < occurrence.start_at + timedelta(minutes=occurrence.duration)
        ):
            return occurrence
    upcoming = [o for o in available if o.start_at > now]
    return upcoming[0] if upcoming else None


def start_instance(
    session: Session, webinar: Webinar, *, ids: Ids, now: datetime
) -> WebinarInstance:
    """Start a session (status 1), or give back the one already running."""
    running = running_instance(session, webinar)
    if running is not None:
        return running
    occurrence = current_occurrence(webinar, now)
    instance = WebinarInstance(
        uuid=ids.uuid(),
        webinar_seq=webinar.seq,
        occurrence_pk=None if occurrence is None else occurrence.id,
        started_at=now,
    )
    session.add(instance)
    webinar.status = STARTED
    webinar.updated_at = now
    session.flush()
    return instance


def close_open_attendance(session: Session, instance: WebinarInstance, at: datetime) -> None:
    session.execute(
        update(Attendance)
        .where(Attendance.instance_id == instance.id, Attendance.left_at.is_(None))
        .values(left_at=at, last_seen_at=at),
        execution_options={"synchronize_session": False},
    )


def join(
    session: Session, instance: WebinarInstance, participant: Participant, *, now: datetime
) -> Attendance:
    """A new attendance row: the participant's live connection just opened."""
    row = Attendance(
        instance_id=instance.id,
        registrant_pk=participant.registrant_pk,
        panelist_pk=participant.panelist_pk,
        name=participant.name,
        email=participant.email,
        joined_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return row


def heartbeat(session: Session, attendance_id: int, *, now: datetime) -> bool:
    """The connection is still open; False when the row was closed meanwhile (ended)."""
    result = session.execute(
        update(Attendance)
        .where(Attendance.id == attendance_id, Attendance.left_at.is_(None))
        .values(last_seen_at=now),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def leave(session: Session, attendance_id: int, *, now: datetime) -> None:
    """The connection closed: the row ends now (unless the end closed it first)."""
    session.execute(
        update(Attendance)
        .where(Attendance.id == attendance_id, Attendance.left_at.is_(None))
        .values(left_at=now, last_seen_at=now),
        execution_options={"synchronize_session": False},
    )


def close_lost_connections(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Rows whose heartbeat stopped (lost connection, server restart) end at the last one."""
    result = session.execute(
        update(Attendance)
        .where(Attendance.left_at.is_(None), Attendance.last_seen_at < now - timeout)
        .values(left_at=Attendance.last_seen_at),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def count_present(session: Session, instance: WebinarInstance) -> int:
    """Participants (attendees and panelists) connected now."""
    return int(
        session.execute(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.instance_id == instance.id, Attendance.left_at.is_(None))
        ).scalar_one()
    )
