"""Who may call /v2, and how often: bearer tokens checked through an in-process cache,
addresses that keep guessing throttled, and Zoom's per-second limits (opt-in).

The token cache: after its first use a token costs no database round trip. An entry says
what the database said (account, key pair, expiry); the expiry is checked against the server
clock on every call (so the sandbox's virtual clock expires tokens), and the entry is asked
again after REVALIDATE_SECONDS, so a rotation made by another process (or the CLI) reaches
this one within that time. A rotation in this process (KeysRevoked) drops the account's
entries at once, and a reset drops them all.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import Connection

from podium.errors import (
    AccessTokenExpired,
    AccessTokenInQuery,
    AccessTokenInvalid,
    ApiRateLimited,
    GuessingThrottled,
)
from podium.events import Event, KeysRevoked
from podium.services.oauth import Grant, find_grant, token_digest
from podium.services.tokens import verifying_keys
from podium.settings import Settings
from podium.web.runtime import Runtime

REVALIDATE_SECONDS = 5.0
MAX_ENTRIES = 50_000
GUESSES = RateLimitItemPerMinute(30)  # unknown tokens or client pairs from one address
# Zoom's per-second limits of a Pro account, per rate-limit label of an endpoint.
ZOOM_PER_SECOND = {"Light": 30, "Medium": 20, "Heavy": 10}


@dataclass(frozen=True)
class _Entry:
    grant: Grant
    checked_at: float  # time.monotonic() when the database said so


class TokenCache:
    """Bearer token → grant, remembered per process (see the module docstring)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._entries: dict[bytes, _Entry] = {}
        self._lock = threading.Lock()
        runtime.subscribe(self.hear)

    def digest(self, token: str) -> bytes:
        return token_digest(self.runtime.context.issuer.key, token)

    def remember(self, token: str, grant: Grant) -> None:
        self._store(self.digest(token), grant)

    def _store(self, digest: bytes, grant: Grant) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = _Entry(grant, time.monotonic())

    def grant(self, token: str, now: datetime) -> Grant | None:
        """The token's grant, not expired; None when no live key pair stands behind it.
        AccessTokenExpired when it was one and its hour is over."""
        digest = self.digest(token)
        entry = self._entries.get(digest)
        if entry is None or time.monotonic() - entry.checked_at > REVALIDATE_SECONDS:
            found = self.runtime.read(lambda connection: self._find(connection, token, digest))
            if found is None:
                with self._lock:
                    self._entries.pop(digest, None)
                return None
            self._store(digest, found)
            entry = _Entry(found, 0)
        if entry.grant.expires_at <= now:
            raise AccessTokenExpired
        return entry.grant

    def _find(self, connection: Connection, token: str, digest: bytes) -> Grant | None:
        """The stored grant of `token`: under the newest key's digest, else (a token issued
        before a PODIUM_SECRET_KEY rotation) under an older key's."""
        found = find_grant(connection, digest)
        for older in verifying_keys(self.runtime.context.issuer.key)[1:]:
            if found is not None:
                break
            found = find_grant(connection, token_digest(older, token))
        return found

    def hear(self, events: Sequence[Event]) -> None:
        """A live consumer: a rotation revokes the account's tokens at once."""
        revoked = {event.account_id for event in events if isinstance(event, KeysRevoked)}
        if revoked:
            with self._lock:
                gone = [d for d, e in self._entries.items() if e.grant.account_id in revoked]
                for digest in gone:
                    del self._entries[digest]

    def forget(self) -> None:
        """Everything was reset: no token survives."""
        with self._lock:
            self._entries.clear()


class GuessThrottle:
    """An address that sent too many unknown tokens or client pairs in a minute gets 429 on
    every token check until its window has room again (off in a sandbox, whose own tests
    may miss on purpose). Counted in memory, or in Redis with PODIUM_REDIS_URL; an address
    this process never saw miss is not looked up at all (the hot path stays in memory)."""

    def __init__(self, storage_url: str, item: RateLimitItem = GUESSES) -> None:
        self.item = item
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))
        self._suspects: set[str] = set()  # addresses that missed (bounded)

    def check(self, address: str) -> None:
        if address not in self._suspects:
            return
        if not self._limiter.test(self.item, address, "v2-guess"):
            reset = self._limiter.get_window_stats(self.item, address, "v2-guess").reset_time
            raise GuessingThrottled(retry_after=max(1, math.ceil(reset - time.time())))

    def miss(self, address: str) -> None:
        if len(self._suspects) >= MAX_ENTRIES:
            self._suspects.clear()
        self._suspects.add(address)
        self._limiter.hit(self.item, address, "v2-guess")


class V2RateLimits:
    """Zoom's per-second limits per account and label (`--rate-limits zoom`)."""

    def __init__(self, storage_url: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))
        self._items = {label: RateLimitItemPerSecond(n) for label, n in ZOOM_PER_SECOND.items()}

    def check(self, account_id: int, label: str) -> None:
        item = self._items[label]
        if not self._limiter.hit(item, str(account_id), f"v2-{label}"):
            raise ApiRateLimited(category=label, limit=item.amount, retry_after=1)


class Access:
    """The checks of a /v2 call, in order: throttled address, token, rate limit."""

    def __init__(self, runtime: Runtime, settings: Settings) -> None:
        storage = settings.redis_url or "memory://"
        self.tokens = TokenCache(runtime)
        self.throttle = None if settings.sandbox else GuessThrottle(storage)
        self.limits = V2RateLimits(storage) if settings.rate_limits == "zoom" else None

    def guard(self, address: str) -> None:
        if self.throttle is not None:
            self.throttle.check(address)

    def missed(self, address: str) -> None:
        if self.throttle is not None:
            self.throttle.miss(address)

    def authenticate(
        self, authorization: str | None, in_query: bool, address: str, now: datetime
    ) -> Grant:
        """The grant of the call's bearer token, or Zoom's 401 (code 124)."""
        if in_query:
            raise AccessTokenInQuery
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 512:
            raise AccessTokenInvalid
        self.guard(address)
        grant = self.tokens.grant(token, now)
        if grant is None:
            self.missed(address)
            raise AccessTokenInvalid
        return grant

    def count(self, grant: Grant, label: str) -> None:
        if self.limits is not None:
            self.limits.check(grant.account_id, label)
