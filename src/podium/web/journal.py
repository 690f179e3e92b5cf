"""The request journal: the last v1 calls of this process, with secrets redacted."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

REDACTED = "[redacted]"
SECRET_PARAMETERS = frozenset({"api_secret", "password", "zak", "token", "tk", "access_token"})


def redact(params: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Parameters as sent, but secrets (api_secret, tokens, passwords) replaced."""
    shown: dict[str, str] = {}
    for name, value in params:
        secret = name.removesuffix("[]").lower() in SECRET_PARAMETERS
        shown[name] = REDACTED if secret else value
    return shown


@dataclass(frozen=True)
class Call:
    """One v1 call as the journal keeps it."""

    seq: int
    at: datetime  # the server's clock (virtual in a sandbox) when the call arrived
    action: str
    params: Mapping[str, str]
    code: int | None  # the v1 error code, None when it succeeded
    status: int  # HTTP status
    duration_ms: float

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        data["params"] = dict(self.params)
        return data


class Journal:
    """Bounded: past `limit` entries the oldest go first. Thread-safe (PodiumServer reads
    it from the test's thread)."""

    def __init__(self, limit: int) -> None:
        self._calls: deque[Call] = deque(maxlen=max(limit, 0))
        self._seq = 0
        self._lock = threading.Lock()

    def record(
        self,
        *,
        at: datetime,
        action: str,
        params: Mapping[str, str],
        code: int | None,
        status: int,
        duration_ms: float,
    ) -> None:
        with self._lock:
            self._seq += 1
            self._calls.append(
                Call(self._seq, at, action, params, code, status, round(duration_ms, 3))
            )

    def calls(
        self, action: str | None = None, *, api_key: str | None = None, limit: int | None = None
    ) -> list[Call]:
        """Oldest first; `limit` keeps the newest that many."""
        with self._lock:
            found = [
                call
                for call in self._calls
                if (action is None or call.action == action)
                and (api_key is None or call.params.get("api_key") == api_key)
            ]
        return found[-limit:] if limit else found

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
