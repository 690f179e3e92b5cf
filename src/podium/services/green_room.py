"""The green room, and the rule for going live.

Opening a start link or a panelist's link changes nothing: the host and panelists wait in the
green room (each open live page of theirs is a visit, closed like attendance: when the page
goes, when the webinar ends, or at its last heartbeat once that is too old) and see who else
is there. The webinar goes live only when the host says so — with a confirmation when that
is before the scheduled start, or when a one-time webinar already ended (a new session).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from podium.codes import Role, WebinarType
from podium.db.models import GreenRoomVisit, Webinar, WebinarInstance
from podium.errors import SessionOver, StartsLater
from podium.events import GreenRoomChanged
from podium.ids import Ids
from podium.services.events import record
from podium.services.instances import (
    Participant,
    current_occurrence,
    running_instance,
    start_instance,
)


@dataclass(frozen=True)
class Waiting:
    role: Role
    name: str


def enter(session: Session, webinar: Webinar, participant: Participant, *, now: datetime) -> int:
    """The host or a panelist opened a live page: their visit's id."""
    visit = GreenRoomVisit(
        webinar_seq=webinar.seq,
        role=participant.role,
        name=participant.name,
        email=participant.email,
        entered_at=now,
        last_seen_at=now,
    )
    session.add(visit)
    session.flush()
    record(session, GreenRoomChanged(webinar_id=webinar.id, webinar_seq=webinar.seq, at=now))
    return visit.id


def heartbeat(session: Session, visit_id: int, *, now: datetime) -> None:
    session.execute(
        update(GreenRoomVisit)
        .where(GreenRoomVisit.id == visit_id, GreenRoomVisit.left_at.is_(None))
        .values(last_seen_at=now),
        execution_options={"synchronize_session": False},
    )


def still_here(session: Session, visit_ids: Collection[int], *, now: datetime) -> None:
    """The heartbeat of every visit open in this process, in one statement."""
    if visit_ids:
        session.execute(
            update(GreenRoomVisit)
            .where(GreenRoomVisit.id.in_(sorted(visit_ids)), GreenRoomVisit.left_at.is_(None))
            .values(last_seen_at=now),
            execution_options={"synchronize_session": False},
        )


def _close(session: Session, visits: list[GreenRoomVisit], at: datetime | None) -> None:
    seen: set[int] = set()
    for visit in visits:
        visit.left_at = visit.last_seen_at if at is None else at
        if visit.webinar_seq not in seen:
            seen.add(visit.webinar_seq)
            webinar_id = session.get_one(Webinar, visit.webinar_seq).id
            when = visit.left_at
            record(
                session,
                GreenRoomChanged(webinar_id=webinar_id, webinar_seq=visit.webinar_seq, at=when),
            )
    session.flush()


def leave(session: Session, visit_id: int, *, now: datetime) -> None:
    """The page closed (nothing if the visit was closed meanwhile)."""
    visit = session.get(GreenRoomVisit, visit_id)
    if visit is not None and visit.left_at is None:
        _close(session, [visit], now)


def close_lost(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Visits whose heartbeat stopped (a lost connection, a restart) end at the last one."""
    visits = list(
        session.execute(
            select(GreenRoomVisit).where(
                GreenRoomVisit.left_at.is_(None), GreenRoomVisit.last_seen_at < now - timeout
            )
        ).scalars()
    )
    _close(session, visits, None)
    return len(visits)


def waiting(session: Session, webinar_seq: int) -> list[Waiting]:
    """Who is in the green room now: the host first, then panelists as they came (a person
    with two pages open counts once)."""
    rows = session.execute(
        select(GreenRoomVisit.role, GreenRoomVisit.name, GreenRoomVisit.email)
        .where(GreenRoomVisit.webinar_seq == webinar_seq, GreenRoomVisit.left_at.is_(None))
        .order_by(GreenRoomVisit.id)
    ).all()
    people: dict[tuple[str, str], Waiting] = {}
    for role, name, email in rows:
        people.setdefault((role, email.lower()), Waiting(Role(role), name))
    return sorted(people.values(), key=lambda person: person.role != Role.HOST)


def scheduled_start(webinar: Webinar, now: datetime) -> datetime | None:
    """When the session the host would start now is planned (None: no fixed time)."""
    if webinar.type == WebinarType.RECURRING_FIXED_TIME:
        occurrence = current_occurrence(webinar, now)
        return None if occurrence is None else occurrence.start_at
    if webinar.type == WebinarType.SCHEDULED:
        return webinar.start_at
    return None


def has_ended(webinar: Webinar) -> bool:
    """A one-time webinar whose session the host ended (its console shows the end)."""
    return webinar.type == WebinarType.SCHEDULED and webinar.ended_at is not None


def go_live(
    session: Session, webinar: Webinar, *, ids: Ids, now: datetime, early: bool, again: bool
) -> WebinarInstance:
    """The host's "Go live": the running session (a console that reconnects), or a new one —
    refused unless confirmed when it is before the scheduled start (`early`) or when the
    webinar already ended (`again`: a new, separate session)."""
    running = running_instance(session, webinar)
    if running is not None:
        return running
    if has_ended(webinar):
        if not again:
            raise SessionOver
    else:
        start = scheduled_start(webinar, now)
        if start is not None and now < start and not early:
            raise StartsLater
    return start_instance(session, webinar, ids=ids, now=now)
