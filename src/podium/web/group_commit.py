"""Group commit: writing calls that arrive together commit together.

Under load, many v1 writes reach the event loop in the same turn. Each used to be a
transaction of its own, and on SQLite with `synchronous=FULL` every commit is an fsync. Here
the writes that are waiting when the loop comes round run in one transaction, each in a
savepoint of its own (Runtime.run_together), and every caller is answered after the one
commit: an answer still means the write is on disk. bench/README.md has the figures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_GROUP = 64  # bounds how long one turn of the loop holds the write lock

Work = Callable[[Session], Any]


class GroupCommit:
    def __init__(self, run_together: Callable[[list[Work]], list[tuple[bool, Any]]]) -> None:
        self._run_together = run_together
        self._waiting: list[tuple[Work, asyncio.Future[Any]]] = []
        self._scheduled = False

    async def submit(self, work: Callable[[Session], T]) -> T:
        """Run `work` in the next group; its result, or its exception, once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((work, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)  # after the calls already ready this turn
        return await future

    def _flush(self) -> None:
        group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
        self._scheduled = bool(self._waiting)
        if self._scheduled:
            asyncio.get_running_loop().call_soon(self._flush)
        try:
            outcomes = self._run_together([work for work, _ in group])
        except Exception as error:  # pragma: no cover - run_together answers every work
            outcomes = [(False, error)] * len(group)
        for (_, future), (succeeded, value) in zip(group, outcomes, strict=True):
            if future.cancelled():  # the caller went away; the write stands
                continue
            if succeeded:
                future.set_result(value)
            else:
                future.set_exception(value)
