"""Counts of a live session kept in memory, changed in O(1) per vote, join or leave, and
pushed to the pages at most a few times a second (docs/live-scale.md).

- `PollTally`: a running poll's answers, one entry per voter (a new vote replaces the last
  one: the newest wins, so a vote heard twice, or heard again in the database's seed, counts
  once), and the counts per answer.
- `PresenceTally`: the open attendance rows of a session (by row id: a join or a leave heard
  twice changes nothing).
- `Coalescer`: a key marked changed is flushed on the next turn when it was quiet, otherwise
  at the end of its interval, so the last change is always pushed and never more often than
  once per interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
Answers = Mapping[str, Sequence[str]]  # question → the answers chosen
Results = dict[str, dict[str, int]]
PUSH_INTERVAL = 0.25  # seconds: results, presence and upvotes reach the pages ≤ 4 times a second


@dataclass(eq=False)
class PollTally:
    """A poll's answers in one session. `questions` (question → its answers, in order) is
    None until the database seed arrived; votes heard before it are kept and counted."""

    questions: dict[str, tuple[str, ...]] | None = None
    shared: bool = False
    votes: dict[str, tuple[float, Answers]] = field(default_factory=dict)  # e-mail → (at, …)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def vote(self, email: str, answers: Answers, at: float, *, seed: bool = False) -> bool:
        """Count `email`'s answers given at `at` (a timestamp), replacing their earlier ones;
        False when a newer vote of theirs is already counted. A seed row (read from the
        database) wins only when strictly newer: what was heard live is at least as recent."""
        earlier = self.votes.get(email)
        if earlier is not None and (earlier[0] > at or (seed and earlier[0] >= at)):
            return False
        if earlier is not None:
            self._count(earlier[1], -1)
        self.votes[email] = (at, answers)
        self._count(answers, 1)
        return True

    def _count(self, answers: Answers, step: int) -> None:
        for question, chosen in answers.items():
            row = self.counts.setdefault(question, {})
            for answer in chosen:
                row[answer] = row.get(answer, 0) + step

    def seed(
        self,
        questions: dict[str, tuple[str, ...]],
        shared: bool,
        rows: Iterable[tuple[str, str, str, float]],
    ) -> None:
        """The database's view: the poll's questions, whether its results are shared, and
        its answer rows (e-mail, question, answers joined by ";", at)."""
        by_voter: dict[str, tuple[float, dict[str, tuple[str, ...]]]] = {}
        for email, question, answer, at in rows:
            _, answers = by_voter.setdefault(email, (at, {}))
            answers[question] = tuple(answer.split(";"))
        for email, (at, answers) in by_voter.items():
            self.vote(email, answers, at, seed=True)
        self.questions = questions
        self.shared = self.shared or shared

    @property
    def ready(self) -> bool:
        return self.questions is not None

    def results(self) -> Results:
        """Votes per answer per question (every answer, zeros too), as the console shows."""
        questions = self.questions or {}
        return {
            question: {answer: self.counts.get(question, {}).get(answer, 0) for answer in answers}
            for question, answers in questions.items()
        }


@dataclass(eq=False)
class PresenceTally:
    """Who is connected to one session: its open attendance rows. Until the seed came,
    `seeded` is False and the count is not shown."""

    instance_uuid: str
    open: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)  # rows closed: a late seed keeps them out
    seeded: bool = False

    def joined(self, attendance_id: int) -> None:
        if attendance_id not in self.gone:
            self.open.add(attendance_id)

    def left(self, attendance_id: int) -> None:
        self.open.discard(attendance_id)
        self.gone.add(attendance_id)

    def seed(self, open_rows: Iterable[int]) -> None:
        for attendance_id in open_rows:
            self.joined(attendance_id)
        self.seeded = True

    @property
    def present(self) -> int:
        return len(self.open)


Schedule = Callable[[float, Callable[[], None]], None]


class Coalescer(Generic[K]):
    """Pushes per key, at most one per `interval`, the last change always included."""

    def __init__(
        self,
        push: Callable[[K], None],
        schedule: Schedule,
        clock: Callable[[], float],
        interval: float = PUSH_INTERVAL,
    ) -> None:
        self._push, self._schedule, self._clock = push, schedule, clock
        self.interval = interval
        self._last: dict[K, float] = {}
        self._pending: set[K] = set()

    def changed(self, key: K, *, at_once: bool = False) -> None:
        """`key` changed: push it now when it was quiet for an interval (or `at_once`: a
        change of state rather than of a count), else when its interval ends."""
        wait = 0.0
        if not at_once:
            if key in self._pending:
                return
            wait = max(0.0, self._last.get(key, -math.inf) + self.interval - self._clock())
        self._pending.add(key)
        self._schedule(wait, lambda: self._fire(key))

    def _fire(self, key: K) -> None:
        if key not in self._pending:
            return  # an earlier call pushed it already
        self._pending.discard(key)
        self._last[key] = self._clock()
        self._push(key)

    def forget(self, key: K) -> None:
        self._pending.discard(key)
        self._last.pop(key, None)
