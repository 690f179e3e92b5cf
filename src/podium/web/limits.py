"""Zoom-like rate limits (opt-in: `--rate-limits zoom`), through the `limits` library.

10 requests a second per API key, and 1 a second for list calls. With PODIUM_REDIS_URL the
counts live in Redis, so every process of a deployment shares them; otherwise in memory.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

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
