"""Attendance without a write per heartbeat (web/attendance_book.py): one statement moves
the last heartbeat of every connection open in this process, leaves are closed in batches
at their own time, and after a crash the sweeper closes open rows at the last heartbeat
written (at most one interval before the connection really ended)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from podium.clock import FixedClock
from podium.codes import Role
from podium.db.models import Attendance, WebinarInstance
from podium.events import Event, ParticipantLeft
from podium.ids import Ids
from podium.services import instances
from podium.services.instances import Participant
from podium.web.attendance_book import AttendanceBook
from podium.web.live import HEARTBEAT_SECONDS, sweep
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.test_statement_counts import counting
from tests.unit.test_attendance import make_webinar


def open_session(session: Session, account: AccountKeys) -> list[int]:
    """A running session with three attendees connected: their attendance rows."""
    webinar = make_webinar(session, account)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(3), now=NOW)
    people = [Participant(Role.ATTENDEE, f"P{n}", f"p{n}@x.io") for n in range(3)]
    return [instances.join(session, instance, who, now=NOW) for who in people]


def attendance(session: Session) -> list[tuple[object, ...]]:
    session.expire_all()
    found = session.execute(
        select(Attendance.id, Attendance.last_seen_at, Attendance.left_at).order_by(Attendance.id)
    )
    return [tuple(row) for row in found]


def test_one_statement_is_the_heartbeat_of_every_open_connection(
    runtime: Runtime,
    session: Session,
    account: AccountKeys,
    clock: FixedClock,
    connection: Connection,
) -> None:
    rows = open_session(session, account)
    book = AttendanceBook(runtime, HEARTBEAT_SECONDS)
    for row in rows:
        book.opened(row, None)
    later = clock.advance(seconds=10)

    with counting(connection) as statements:
        book.heartbeats().write()

    assert [s.split()[0] for s in statements] == ["UPDATE"]
    assert statements[0].startswith("UPDATE attendances SET last_seen_at=")
    assert attendance(session) == [(row, later, None) for row in rows]


def test_leaves_are_written_together_each_at_its_own_time(
    runtime: Runtime, session: Session, account: AccountKeys
) -> None:
    rows = open_session(session, account)
    batching = dataclasses.replace(runtime, background=True)  # as a server's: in batches
    heard: list[Sequence[Event]] = []
    batching.subscribe(heard.append)
    book = AttendanceBook(batching, HEARTBEAT_SECONDS)
    for row in rows:
        book.opened(row, None)
    first, second = NOW + timedelta(seconds=1), NOW + timedelta(seconds=2)

    book.closed(rows[0], None, first)
    book.closed(rows[1], None, second)
    queued = attendance(session)
    book.leaves().write()

    assert queued == [(row, NOW, None) for row in rows]  # nothing written per leave
    assert attendance(session) == [
        (rows[0], first, first),
        (rows[1], second, second),
        (rows[2], NOW, None),
    ]
    assert book.attending == {rows[2]}
    assert len(heard) == 1  # one unit of work for the batch
    assert [
        (e.participant.attendance_id, e.at) for e in heard[0] if isinstance(e, ParticipantLeft)
    ] == [
        (rows[0], first),
        (rows[1], second),
    ]


def test_after_a_crash_open_rows_close_at_the_last_heartbeat_written(
    runtime: Runtime, session: Session, account: AccountKeys, clock: FixedClock
) -> None:
    rows = open_session(session, account)
    batching = dataclasses.replace(runtime, background=True)
    book = AttendanceBook(batching, HEARTBEAT_SECONDS)
    for row in rows:
        book.opened(row, None)
    beat = clock.advance(seconds=10)
    book.heartbeats().write()
    clock.advance(seconds=5)
    book.closed(rows[0], None, clock.now())  # queued, never written: the process dies

    # A new process starts: its sweeper runs once the heartbeat is older than the timeout.
    clock.advance(seconds=runtime.settings.heartbeat_timeout_seconds)
    sweep(runtime)

    assert attendance(session) == [(row, beat, beat) for row in rows]
    assert session.execute(select(WebinarInstance.ended_at)).scalar_one() is None
