"""Time, injected: nothing else in Podium reads the system clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, UTC-aware."""
        ...


class SystemClock:
    """The real time, truncated to whole seconds like every v1 timestamp."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)  # noqa: TID251 - the one real clock


class FixedClock:
    """A clock that moves only when told to (tests, and the sandbox's virtual time)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._at += timedelta(**delta)
            return self._at
