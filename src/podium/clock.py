"""Time, injected: nothing else in Podium reads the system clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, UTC-aware."""
        ...


def _real_now() -> datetime:
    return datetime.now(UTC)  # noqa: TID251 - the one real clock


class SystemClock:
    """The real time, truncated to whole seconds like every v1 timestamp."""

    def now(self) -> datetime:
        return _real_now().replace(microsecond=0)


class VirtualClock:
    """The sandbox's time: the real time shifted by an offset, until frozen at an instant.

    `set` and `advance` move it (frozen or not); `freeze` stops it where it is, `resume`
    lets it run again from there.
    """

    def __init__(self, at: datetime | None = None, *, frozen: bool = False) -> None:
        if at is not None and at.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._lock = threading.Lock()
        self._offset = timedelta(0) if at is None else at - _real_now()
        self._frozen_at: datetime | None = None
        if frozen:
            self.freeze()

    def now(self) -> datetime:
        with self._lock:
            return self._now()

    def _now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return (_real_now() + self._offset).replace(microsecond=0)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self) -> datetime:
        with self._lock:
            self._frozen_at = self._now()
            return self._frozen_at

    def resume(self) -> datetime:
        with self._lock:
            at = self._now()
            self._frozen_at = None
            self._offset = at - _real_now()
            return at

    def set(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        at = at.astimezone(UTC).replace(microsecond=0)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = at
            else:
                self._offset = at - _real_now()
            return at

    def reset(self) -> None:
        """Back to the real time, running."""
        with self._lock:
            self._frozen_at = None
            self._offset = timedelta(0)

    def advance(self, **delta: float) -> datetime:
        """Move forward (or back, with negative values): `advance(days=1, hours=2)`."""
        step = timedelta(**delta)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += step
            else:
                self._offset += step
            return self._now()


class FixedClock(VirtualClock):
    """A clock that moves only when told to (tests): a VirtualClock frozen at `at`."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        super().__init__()
        self._frozen_at = at.astimezone(UTC)
