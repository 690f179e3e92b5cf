"""Podium's configuration: one frozen value, read from PODIUM_* variables in one place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///podium.sqlite3"


@dataclass(frozen=True)
class Settings:
    """Everything a Podium process needs to know; `from_env` is the only reader of the env."""

    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = None  # None: a random key kept in the database
    max_body_bytes: int = 64 * 1024
    max_form_fields: int = 200
    zak_lifetime_seconds: int = 2 * 60 * 60
    heartbeat_timeout_seconds: int = 30  # a live connection silent this long has left
    sqlite_synchronous: str = "FULL"  # durable commits; see docs/architecture.md
    rate_limits: str = "off"  # "zoom": 10 requests/s per API key, 1/s for list calls
    redis_url: str | None = None  # shared state between processes (rate limits)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from PODIUM_* variables; explicit overrides (CLI options) win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "PODIUM_DATABASE_URL" in env:
            values["database_url"] = env["PODIUM_DATABASE_URL"]
        if "PODIUM_PUBLIC_URL" in env:
            values["public_url"] = env["PODIUM_PUBLIC_URL"]
        if "PODIUM_SECRET_KEY" in env:
            values["secret_key"] = env["PODIUM_SECRET_KEY"]
        if "PODIUM_ZAK_LIFETIME_SECONDS" in env:
            values["zak_lifetime_seconds"] = int(env["PODIUM_ZAK_LIFETIME_SECONDS"])
        if "PODIUM_HEARTBEAT_TIMEOUT_SECONDS" in env:
            values["heartbeat_timeout_seconds"] = int(env["PODIUM_HEARTBEAT_TIMEOUT_SECONDS"])
        if "PODIUM_RATE_LIMITS" in env:
            values["rate_limits"] = env["PODIUM_RATE_LIMITS"]
        if "PODIUM_REDIS_URL" in env:
            values["redis_url"] = env["PODIUM_REDIS_URL"]
        if "PODIUM_SQLITE_SYNCHRONOUS" in env:
            values["sqlite_synchronous"] = env["PODIUM_SQLITE_SYNCHRONOUS"].upper()
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def temporary(cls) -> Settings:
        """A throwaway SQLite file in a fresh temporary directory (tests, scripts)."""
        folder = Path(tempfile.mkdtemp(prefix="podium-"))
        return cls(database_url=f"sqlite:///{folder / 'podium.sqlite3'}")

    def with_public_url(self, public_url: str) -> Settings:
        return replace(self, public_url=public_url.rstrip("/"))
