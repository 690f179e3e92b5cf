"""Podium's configuration: one frozen value, read from PODIUM_* variables in one place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///podium.sqlite3"


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


# PODIUM_* variable → (Settings field, converter); empty values count as unset.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "PODIUM_DATABASE_URL": ("database_url", str),
    "PODIUM_PUBLIC_URL": ("public_url", str),
    "PODIUM_SECRET_KEY": ("secret_key", str),
    "PODIUM_ZAK_LIFETIME_SECONDS": ("zak_lifetime_seconds", int),
    "PODIUM_HEARTBEAT_TIMEOUT_SECONDS": ("heartbeat_timeout_seconds", int),
    "PODIUM_RATE_LIMITS": ("rate_limits", str),
    "PODIUM_REDIS_URL": ("redis_url", str),
    "PODIUM_ADMIN_TOKEN": ("admin_token", str),
    "PODIUM_SANDBOX": ("sandbox", _flag),
    "PODIUM_JOURNAL_LIMIT": ("journal_limit", int),
    "PODIUM_SMTP_URL": ("smtp_url", str),
    "PODIUM_MAIL_FROM": ("mail_from", str),
    "PODIUM_MAIL_RETRY_SECONDS": ("mail_retry_seconds", int),
    "PODIUM_SQLITE_SYNCHRONOUS": ("sqlite_synchronous", str.upper),
    "PODIUM_WEBHOOK_ALLOW_PRIVATE": ("webhook_allow_private", _flag),
    "PODIUM_WEBHOOK_WORKER": ("webhook_worker", str.lower),
}


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
    admin_token: str | None = None  # bearer token of the management API (/podium/api)
    sandbox: bool = False  # virtual clock; management API open to loopback without a token
    journal_limit: int = 1000  # v1 calls kept in the request journal (oldest pruned)
    smtp_url: str | None = None  # smtp://user:pass@host:587?starttls=1; None: mail waits
    mail_from: str = "podium@podium.invalid"  # sender of every e-mail
    mail_retry_seconds: int = 30  # first retry delay; doubles each failure (at most 6 h)
    webhook_allow_private: bool = False  # webhooks to loopback/private addresses (sandbox: yes)
    webhook_worker: str = "process"  # process | inline | off (web/webhook_process.py)

    @property
    def webhooks_may_reach_private(self) -> bool:
        """Deliveries to loopback, private and link-local addresses are allowed."""
        return self.sandbox or self.webhook_allow_private

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from PODIUM_* variables; explicit overrides (CLI options) win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            field: convert(env[name])
            for name, (field, convert) in ENVIRONMENT.items()
            if env.get(name, "") != ""
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def temporary(cls) -> Settings:
        """A throwaway SQLite file in a fresh temporary directory (tests, scripts)."""
        folder = Path(tempfile.mkdtemp(prefix="podium-"))
        return cls(database_url=f"sqlite:///{folder / 'podium.sqlite3'}")

    def with_public_url(self, public_url: str) -> Settings:
        return replace(self, public_url=public_url.rstrip("/"))
