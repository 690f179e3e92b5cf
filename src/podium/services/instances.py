"""Running a webinar: instances (sessions), who joined and left, and the end.

A participant is present while their live connection is open. Each join is a row; a re-join
is a new row. Rows left open by a lost connection or a restart are closed at the last
heartbeat seen once it is older than the heartbeat timeout.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from podium.codes import Role, WebinarStatus, WebinarType
from podium.db.models import Attendance, Occurrence, Registrant, Webinar, WebinarInstance
from podium.events import (
    ParticipantFacts,
    ParticipantJoined,
    ParticipantLeft,
    WebinarFacts,
    WebinarStarted,
)
from podium.ids import Ids
from podium.services.events import record, webinar_facts

FACTS = "podium.webinar_facts"  # Session.info: facts of the webinars of this unit of work
CHUNK = 5000  # row ids per statement (SQLite allows 32,766 parameters)


@dataclass(frozen=True)
class Participant:
    """Who is in the room: an attendee (registrant or walk-in), a panelist, or the host."""

    role: Role
    name: str
    email: str
    registrant_pk: int | None = None
    panelist_pk: int | None = None
    registrant_id: str | None = None  # the registrant's public id


# Built once: every live page that connects asks it.
_WEBINAR_AND_SESSION = (
    select(Webinar, WebinarInstance)
    .outerjoin(
        WebinarInstance,
        (WebinarInstance.webinar_seq == Webinar.seq) & WebinarInstance.ended_at.is_(None),
    )
    .where(Webinar.id == bindparam("webinar_id"), Webinar.deleted_at.is_(None))
)


def webinar_and_session(
    session: Session, webinar_id: int
) -> tuple[Webinar, WebinarInstance | None] | None:
    """The live (not deleted) webinar `webinar_id` of any account and its running session
    (`running_instance`), in one statement; None when there is no such webinar."""
    found = session.execute(_WEBINAR_AND_SESSION, {"webinar_id": webinar_id}).first()
    return None if found is None else (found[0], found[1])


def running_instance(session: Session, webinar: Webinar) -> WebinarInstance | None:
    return session.execute(
        select(WebinarInstance).where(
            WebinarInstance.webinar_seq == webinar.seq, WebinarInstance.ended_at.is_(None)
        )
    ).scalar_one_or_none()


def current_occurrence(webinar: Webinar, now: datetime) -> Occurrence | None:
    """For a recurring webinar: the occurrence under way, else the next one to come."""
    if webinar.type != WebinarType.RECURRING_FIXED_TIME:
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


def _facts(session: Session, webinar: Webinar) -> WebinarFacts:
    """The webinar's facts, built once per change of it in this unit of work (a simulated
    session records thousands of joins)."""
    known: dict[int, WebinarFacts] = session.info.setdefault(FACTS, {})
    found = known.get(webinar.seq)
    if found is None or found.status != webinar.status:
        found = known[webinar.seq] = webinar_facts(webinar)
    return found


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
    webinar.status = WebinarStatus.STARTED
    webinar.updated_at = now
    session.flush()
    facts = _facts(session, webinar)
    record(session, WebinarStarted(webinar=facts, instance_uuid=instance.uuid, at=now))
    return instance


def _participant(row: Row[Any] | Attendance, registrant_id: str | None) -> ParticipantFacts:
    role = Role.PANELIST if row.panelist_pk is not None else Role.ATTENDEE
    return ParticipantFacts(role, row.name, row.email, registrant_id, row.id)


ATTENDANCES = cast("Table", Attendance.__table__)
_JOIN = (
    insert(ATTENDANCES)
    .values(
        {
            name: bindparam(name)
            for name in ("instance_id", "registrant_pk", "panelist_pk", "name", "email")
        }
        | {"joined_at": bindparam("now"), "last_seen_at": bindparam("now")}
    )
    .returning(ATTENDANCES.c.id)
)


def join(
    session: Session, instance: WebinarInstance, participant: Participant, *, now: datetime
) -> int:
    """A new attendance row (its id): the participant's live connection just opened. A
    prebuilt INSERT … RETURNING, not an ORM flush: every attendee's page does this."""
    values = {
        "instance_id": instance.id,
        "registrant_pk": participant.registrant_pk,
        "panelist_pk": participant.panelist_pk,
        "name": participant.name,
        "email": participant.email,
        "now": now,
    }
    row_id: int = session.connection().execute(_JOIN, values).scalar_one()
    webinar = session.get_one(Webinar, instance.webinar_seq)
    role = Role.PANELIST if participant.panelist_pk is not None else Role.ATTENDEE
    facts = ParticipantFacts(
        role, participant.name, participant.email, participant.registrant_id, row_id
    )
    record(
        session,
        ParticipantJoined(
            webinar=_facts(session, webinar),
            instance_uuid=instance.uuid,
            participant=facts,
            started_at=instance.started_at,
            at=now,
        ),
    )
    return row_id


def heartbeat(session: Session, attendance_id: int, *, now: datetime) -> bool:
    """The connection is still open; False when the row was closed meanwhile (ended)."""
    result = session.execute(
        update(Attendance)
        .where(Attendance.id == attendance_id, Attendance.left_at.is_(None))
        .values(last_seen_at=now),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _open_rows(session: Session, *conditions: Any) -> list[Row[Any]]:
    """Open attendance rows (with their registrant's public id), oldest first."""
    query = (
        select(
            Attendance.id,
            Attendance.instance_id,
            Attendance.name,
            Attendance.email,
            Attendance.panelist_pk,
            Attendance.last_seen_at,
            Registrant.registrant_id,
        )
        .outerjoin(Registrant, Registrant.id == Attendance.registrant_pk)
        .where(Attendance.left_at.is_(None), *conditions)
        .order_by(Attendance.id)
    )
    return list(session.execute(query))


def _close(
    session: Session, rows: list[Row[Any]], at: datetime | Mapping[int, datetime] | None
) -> None:
    """Close `rows` at `at` (None: each at its last heartbeat; a mapping: each at its own
    time, by row id) and record that they left."""
    instances: dict[int, WebinarInstance] = {}
    for row in rows:
        left_at = row.last_seen_at if at is None else at if isinstance(at, datetime) else at[row.id]
        closed = session.execute(
            update(Attendance)
            .where(Attendance.id == row.id, Attendance.left_at.is_(None))
            .values(left_at=left_at, last_seen_at=left_at),
            execution_options={"synchronize_session": False},
        )
        if not closed.rowcount:  # type: ignore[attr-defined]
            continue  # closed meanwhile
        instance = instances.get(row.instance_id)
        if instance is None:
            instance = instances[row.instance_id] = session.get_one(
                WebinarInstance, row.instance_id
            )
        webinar = session.get_one(Webinar, instance.webinar_seq)
        record(
            session,
            ParticipantLeft(
                webinar=_facts(session, webinar),
                instance_uuid=instance.uuid,
                participant=_participant(row, row.registrant_id),
                started_at=instance.started_at,
                at=left_at,
            ),
        )


def leave(session: Session, attendance_id: int, *, now: datetime) -> None:
    """The connection closed: the row ends now (unless the end closed it first)."""
    _close(session, _open_rows(session, Attendance.id == attendance_id), now)


def leave_many(session: Session, left: Mapping[int, datetime]) -> None:
    """Connections that closed, each at its time (a batch: web/attendance_book.py)."""
    ids = list(left)
    for start in range(0, len(ids), CHUNK):
        _close(session, _open_rows(session, Attendance.id.in_(ids[start : start + CHUNK])), left)


def still_here(session: Session, attendance_ids: Collection[int], *, now: datetime) -> None:
    """The heartbeat of every connection open in this process, in one statement (per
    CHUNK rows): their rows' last_seen_at becomes `now`."""
    ids = sorted(attendance_ids)
    for start in range(0, len(ids), CHUNK):
        session.execute(
            update(Attendance)
            .where(Attendance.id.in_(ids[start : start + CHUNK]), Attendance.left_at.is_(None))
            .values(last_seen_at=now),
            execution_options={"synchronize_session": False},
        )


def close_open_attendance(session: Session, instance: WebinarInstance, at: datetime) -> None:
    """The session ended: everyone still in it leaves now."""
    _close(session, _open_rows(session, Attendance.instance_id == instance.id), at)


def close_lost_connections(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Rows whose heartbeat stopped (lost connection, server restart) end at the last one."""
    rows = _open_rows(session, Attendance.last_seen_at < now - timeout)
    _close(session, rows, None)
    return len(rows)


def count_present(session: Session, instance: WebinarInstance) -> int:
    """Participants (attendees and panelists) connected now."""
    return int(
        session.execute(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.instance_id == instance.id, Attendance.left_at.is_(None))
        ).scalar_one()
    )
