"""Attendance without a write per heartbeat: the live connections open in this process are
kept in memory, and written in batches (docs/live-scale.md).

- Every `interval` (the pages' heartbeat period), one statement per CHUNK rows moves the
  `last_seen_at` of every open attendance row (and green-room visit) of this process to now.
- A connection that closes is queued and closed at its own time with the others of the
  next `LEAVE_SECONDS` (their ParticipantLeft events then go out together).

Both run in a worker thread, never on the event loop's. After a crash the guarantees are
those of a heartbeat per connection: open rows were seen at most one interval ago, and the
sweeper (web/live.py) closes them at that last heartbeat; a leave still queued is closed at
the last heartbeat too, at most one interval early.

A test's runtime (bound to one connection, `background` False) closes at once instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from podium.services import green_room, instances
from podium.web.runtime import Runtime

LEAVE_SECONDS = 0.5
log = logging.getLogger("podium.live")


@dataclass(frozen=True)
class Batch:
    write: Callable[[], None]  # in a worker thread
    again: Callable[[], None] = lambda: None  # when it failed: queue it for the next round


class AttendanceBook:
    def __init__(self, runtime: Runtime, interval: float) -> None:
        self.runtime, self.interval = runtime, interval
        self.attending: set[int] = set()  # attendance rows of connections open here
        self.visiting: set[int] = set()  # green-room visits of pages open here
        self.leaving: dict[int, datetime] = {}  # attendance rows to close, at their time

    def opened(self, attendance: int | None, visit: int | None) -> None:
        if attendance is not None:
            self.attending.add(attendance)
        if visit is not None:
            self.visiting.add(visit)

    def closed(self, attendance: int | None, visit: int | None, at: datetime) -> None:
        """The connection ended at `at`: its attendance row closes with the next batch (a
        visit at once: the green room shows who is there)."""
        if visit is not None:
            self.visiting.discard(visit)
            self.runtime.run(lambda s: green_room.leave(s, visit, now=at), writes=True)
        if attendance is not None:
            self.attending.discard(attendance)
            self.leaving[attendance] = at
            if not self.runtime.background:
                self.flush_leaves()

    # -- the batches (taken on the event loop's thread, written in a worker thread) ----------

    def heartbeats(self) -> Batch:
        now = self.runtime.context.clock.now()
        attending, visiting = set(self.attending), set(self.visiting)

        def write() -> None:
            if attending or visiting:
                self.runtime.run(lambda s: _still_here(s, attending, visiting, now), writes=True)

        return Batch(write)

    def leaves(self) -> Batch:
        leaving, self.leaving = self.leaving, {}

        def write() -> None:
            if leaving:
                self.runtime.run(lambda s: instances.leave_many(s, leaving), writes=True)

        def again() -> None:  # not written: back in the queue for the next round
            for attendance, at in leaving.items():
                self.leaving.setdefault(attendance, at)

        return Batch(write, again)

    def flush_leaves(self) -> None:
        self.leaves().write()

    async def run(self) -> None:
        """Heartbeats every `interval`, leaves every LEAVE_SECONDS, in a worker thread, until
        cancelled (then the leaves still queued are written)."""
        rounds = max(1, round(self.interval / LEAVE_SECONDS))
        try:
            for turn in range(1, 2**62):
                await asyncio.sleep(LEAVE_SECONDS)
                await self._off_loop(self.leaves())
                if turn % rounds == 0:
                    await self._off_loop(self.heartbeats())
        finally:
            self.flush_leaves()

    async def _off_loop(self, batch: Batch) -> None:
        try:
            await asyncio.to_thread(batch.write)
        except SQLAlchemyError:  # the next round tries again (leaves: at their own time)
            log.exception("writing attendance failed")
            batch.again()


def _still_here(session: Session, attending: set[int], visiting: set[int], now: datetime) -> None:
    instances.still_here(session, attending, now=now)
    green_room.still_here(session, visiting, now=now)
