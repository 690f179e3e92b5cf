"""The live counts of every webinar this process serves: poll results, presence and
upvotes, kept in memory (web/live_tally.py) from the facts of committed units of work, and
pushed to this process's pages coalesced.

Facts travel like the pages' messages (`LiveHub.publish`, so through the relay to every
process on PostgreSQL), as one "_facts" message per webinar and turn of the event loop:

    ["vote", poll_id, instance_id, email, {question: [answers]}, at]
    ["shared", poll_id, instance_id]          ["launched", poll_id, instance_id]
    ["joined", instance_uuid, attendance_id]  ["left", instance_uuid, attendance_id]
    ["upvotes", question_id, upvotes]         ["ended"]

Each process counts them all and pushes "results", "presence" and "upvotes" to its own pages
(the messages' shapes do not change). A tally is seeded from the database the first time a
fact needs it (after a restart too), in a worker thread when the runtime allows it; facts
heard meanwhile are counted, and the seed never counts a vote twice (web/live_tally.py).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.codes import EVERYONE, Role
from podium.db.models import Attendance, Poll, PollAnswer, WebinarInstance
from podium.web.live_tally import Coalescer, PollTally, PresenceTally

if TYPE_CHECKING:
    from podium.web.live_hub import LiveHub

T = TypeVar("T")
Read = Callable[[Callable[[Session], T]], T]
PollKey = tuple[int, int, int]  # webinar id, poll id, instance id


class LiveCounts:
    """Facts in, coalesced pushes out; everything runs on the hub's event loop."""

    def __init__(self, hub: LiveHub, read: Read[Any], *, background: bool) -> None:
        self.hub, self._read, self._background = hub, read, background
        self.polls: dict[PollKey, PollTally] = {}
        self.presence: dict[int, PresenceTally] = {}
        self._upvotes: dict[tuple[int, int], int] = {}  # (webinar, question) → the last count
        self._outgoing: dict[int, list[list[Any]]] = {}
        clock = time.monotonic
        self._results = Coalescer[PollKey](self._push_results, self._schedule, clock)
        self._present = Coalescer[int](self._push_presence, self._schedule, clock)
        self._upvoted = Coalescer[tuple[int, int]](self._push_upvotes, self._schedule, clock)
        hub.facts = self.hear

    # -- facts out (any thread) ---------------------------------------------------------------

    def note(self, webinar_id: int, fact: list[Any]) -> None:
        """A fact of a committed unit of work; sent with the others of this turn."""
        loop = self.hub.loop
        if loop is not None and threading.get_ident() != self.hub.loop_thread:
            if not loop.is_closed():
                loop.call_soon_threadsafe(self.note, webinar_id, fact)
            return
        waiting = self._outgoing.setdefault(webinar_id, [])
        waiting.append(fact)
        if len(waiting) == 1:
            self._schedule(0.0, lambda: self._send(webinar_id))

    def _send(self, webinar_id: int) -> None:
        facts = self._outgoing.pop(webinar_id, [])
        if facts:
            self.hub.publish(webinar_id, "_facts", {"f": facts}, ())

    # -- facts in (the event loop) -------------------------------------------------------------

    def hear(self, webinar_id: int, data: dict[str, Any]) -> None:
        for fact in data["f"]:
            kind = fact[0]
            if kind == "vote":
                _, poll_id, instance_id, email, answers, at = fact
                key = (webinar_id, poll_id, instance_id)
                if self._poll(key).vote(email, answers, at):
                    self._results_changed(key)
            elif kind == "shared":
                key = (webinar_id, fact[1], fact[2])
                self._poll(key).shared = True
                self._results_changed(key, at_once=True)
            elif kind == "launched":  # launched again: the poll may have changed; read it anew
                key = (webinar_id, fact[1], fact[2])
                self.polls.pop(key, None)
                self._results.forget(key)
            elif kind in ("joined", "left"):
                tally = self._presence(webinar_id, fact[1])
                (tally.joined if kind == "joined" else tally.left)(fact[2])
                if tally.seeded:
                    self._present.changed(webinar_id)
            elif kind == "upvotes":
                self._upvotes[(webinar_id, fact[1])] = fact[2]
                self._upvoted.changed((webinar_id, fact[1]))
            elif kind == "ended":
                self._forget(webinar_id)

    def _forget(self, webinar_id: int) -> None:
        for key in [key for key in self.polls if key[0] == webinar_id]:
            del self.polls[key]
            self._results.forget(key)
        self.presence.pop(webinar_id, None)
        for question in [question for question in self._upvotes if question[0] == webinar_id]:
            del self._upvotes[question]

    def _results_changed(self, key: PollKey, *, at_once: bool = False) -> None:
        if self.polls[key].ready:
            self._results.changed(key, at_once=at_once)

    def _poll(self, key: PollKey) -> PollTally:
        tally = self.polls.get(key)
        if tally is None:
            tally = self.polls[key] = PollTally()
            _, poll_id, instance_id = key

            def seeded(found: tuple[dict[str, tuple[str, ...]], bool, list[Any]] | None) -> None:
                if found is not None and self.polls.get(key) is tally:
                    tally.seed(*found)
                    self._results.changed(key, at_once=True)

            self._seed(lambda s: _poll_seed(s, poll_id, instance_id), seeded)
        return tally

    def _presence(self, webinar_id: int, instance_uuid: str) -> PresenceTally:
        tally = self.presence.get(webinar_id)
        if tally is None or tally.instance_uuid != instance_uuid:
            tally = self.presence[webinar_id] = PresenceTally(instance_uuid)

            def seeded(found: list[int] | None) -> None:
                if found is not None and self.presence.get(webinar_id) is tally:
                    tally.seed(found)
                    self._present.changed(webinar_id)

            self._seed(lambda s: _open_attendance(s, instance_uuid), seeded)
        return tally

    def _seed(self, work: Callable[[Session], T], then: Callable[[T | None], None]) -> None:
        """Database reads off the event loop's thread when the runtime allows it (a test's
        runtime, bound to its one connection, reads in place)."""
        loop = self.hub.loop
        if not self._background or loop is None:
            then(self._read(work))
            return

        def done(future: asyncio.Future[T]) -> None:
            then(None if future.cancelled() or future.exception() else future.result())

        loop.run_in_executor(None, self._read, work).add_done_callback(done)

    # -- pushes (the event loop) -------------------------------------------------------------

    def _schedule(self, delay: float, callback: Callable[[], None]) -> None:
        loop = self.hub.loop
        if loop is None or loop.is_closed() or (delay <= 0 and not self._background):
            callback()  # a test's runtime: at once, so its pages hear it before the answer
        elif delay <= 0:
            loop.call_soon(callback)
        else:
            loop.call_later(delay, callback)

    def _push_results(self, key: PollKey) -> None:
        tally = self.polls.get(key)
        if tally is None or not tally.ready:
            return
        webinar_id, poll_id, _ = key
        shown = {"poll_id": poll_id, "results": tally.results(), "shared": tally.shared}
        self.hub.deliver(webinar_id, "results", shown, EVERYONE if tally.shared else (Role.HOST,))

    def _push_presence(self, webinar_id: int) -> None:
        tally = self.presence.get(webinar_id)
        if tally is not None and tally.seeded:
            self.hub.deliver(webinar_id, "presence", {"present": tally.present}, (Role.HOST,))

    def _push_upvotes(self, key: tuple[int, int]) -> None:
        upvotes = self._upvotes.get(key)
        if upvotes is not None:
            shown = {"question_id": key[1], "upvotes": upvotes}
            self.hub.deliver(key[0], "upvotes", shown, EVERYONE)


def _poll_seed(
    session: Session, poll_id: int, instance_id: int
) -> tuple[dict[str, tuple[str, ...]], bool, list[tuple[str, str, str, float]]]:
    poll = session.get_one(Poll, poll_id)
    questions = {q["name"]: tuple(q["answers"]) for q in json.loads(poll.questions)}
    shared = poll.shared_at is not None and poll.instance_id == instance_id
    rows = session.execute(
        select(PollAnswer.email, PollAnswer.question, PollAnswer.answer, PollAnswer.answered_at)
        .where(PollAnswer.poll_id == poll_id, PollAnswer.instance_id == instance_id)
        .order_by(PollAnswer.id)
    ).all()
    return questions, shared, [(e, q, a, at.timestamp()) for e, q, a, at in rows]


def _open_attendance(session: Session, instance_uuid: str) -> list[int]:
    return list(
        session.execute(
            select(Attendance.id)
            .join(WebinarInstance, WebinarInstance.id == Attendance.instance_id)
            .where(WebinarInstance.uuid == instance_uuid, Attendance.left_at.is_(None))
        ).scalars()
    )
