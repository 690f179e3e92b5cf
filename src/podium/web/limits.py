"""Zoom-like rate limits (opt-in: `--rate-limits zoom`), through the `limits` library.

10 requests a second per API key, and 1 a second for list calls. With PODIUM_REDIS_URL the
counts live in Redis, so every process of a deployment shares them; otherwise in memory.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.errors import RateLimited
from podium.settings import Settings

PROFILES = ("off", "zoom")
PER_KEY = RateLimitItemPerSecond(10)
LIST_CALLS = RateLimitItemPerSecond(1)


def is_list_call(action: str) -> bool:
    return "list" in action.split("/")


class RateLimits:
    def __init__(self, storage_url: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits | None:
        if settings.rate_limits not in PROFILES:
            raise ValueError(f"unknown rate limit profile: {settings.rate_limits}")
        if settings.rate_limits == "off":
            return None
        return cls(settings.redis_url or "memory://")

    def check(self, action: str, api_key: str) -> None:
        """Count one call; RateLimited (HTTP 429, Retry-After) when over a limit."""
        item: RateLimitItem = LIST_CALLS if is_list_call(action) else PER_KEY
        scope = "list" if item is LIST_CALLS else "all"
        if not self._limiter.hit(item, api_key, scope):
            reset = self._limiter.get_window_stats(item, api_key, scope).reset_time
            raise RateLimited(retry_after=max(1, math.ceil(reset - time.time())))


PAGE_MISSES = RateLimitItemPerMinute(30)
THROTTLED_PREFIXES = ("/w/", "/s/", "/j/", "/webinar/register/", "/live/")


class MissThrottle:
    """Public pages: an address that keeps guessing (30 links or pages that do not open in a
    minute: 403/404 answers) gets 429 on every public page until its window has room again.
    Counted in memory, or in Redis with PODIUM_REDIS_URL (shared by every process)."""

    def __init__(self, app: ASGIApp, storage_url: str, item: RateLimitItem = PAGE_MISSES) -> None:
        self.app = app
        self.item = item
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))

    def _retry_after(self, address: str) -> int | None:
        if self._limiter.test(self.item, address, "miss"):
            return None
        reset = self._limiter.get_window_stats(self.item, address, "miss").reset_time
        return max(1, math.ceil(reset - time.time()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(THROTTLED_PREFIXES):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        retry_after = self._retry_after(address)
        if retry_after is not None:
            response = PlainTextResponse(
                "Too many links that do not open from this address. Try again later.",
                status_code=429,
                headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
            )
            await response(scope, receive, send)
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] in (403, 404):
            self._limiter.hit(self.item, address, "miss")
