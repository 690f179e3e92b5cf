"""Podium's configuration: one frozen value, every setting declared once below.

Each field of `Settings` carries its declaration (`setting(...)`): the PODIUM_* variable that
sets it, how its text is read and checked, the form it expects, and whether it is a secret.
`Settings.from_env` is the only reader of PODIUM_* variables: a bad value raises
`SettingError`, one line naming the variable, the value's problem and the expected form (the
CLI prints it and exits with status 2). `reference_markdown()` writes docs/configuration.md
from the same declarations, and `effective()` lists the settings with secrets masked
(`podium config check`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from podium.setting_parsers import (
    MIN_SECRET_KEY,
    Parse,
    parse_choice,
    parse_flag,
    parse_networks,
    parse_redis,
    parse_secret_keys,
    parse_url,
    parse_whole,
    setting,
)
from podium.setting_parsers import SettingError as SettingError
from podium.setting_parsers import mask_url as mask_url

DEFAULT_DATABASE_URL = "sqlite:///podium.sqlite3"
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class Settings:
    """Everything a Podium process needs to know; `from_env` is the only reader of the env."""

    database_url: str = setting(
        DEFAULT_DATABASE_URL,
        "a SQLAlchemy URL: sqlite:///path or postgresql://user:password@host:5432/name",
        "Where Podium keeps everything. PostgreSQL (the `postgres` extra) for `--workers` "
        "above 1 and for production.",
        parse=parse_url("sqlite", "postgresql", "postgres"),
    )
    public_url: str = setting(
        "http://127.0.0.1:8000",
        "an http:// or https:// URL without a trailing path, e.g. https://webinars.example.org",
        "The base of every link handed out (start_url, join_url, registration pages, e-mails). "
        "`podium serve` defaults it to its own address; behind a proxy, the proxy's, or let "
        "the proxy's X-Forwarded-Proto and Host headers set it per request "
        "(PODIUM_FORWARDED_ALLOW_IPS).",
        parse=parse_url("http", "https"),
    )
    host: str = setting(
        "127.0.0.1",
        "an IP address to listen on (0.0.0.0 or :: for every interface)",
        "The address `podium serve` listens on.",
    )
    port: int = setting(
        8000,
        "a port number from 0 to 65535",
        "The port `podium serve` listens on (0: any free port, printed at start).",
        parse=parse_whole(0, 65535),
    )
    workers: int = setting(
        1,
        "a whole number from 1 to 64",
        "Processes serving the port (more than 1 needs PostgreSQL). SIGHUP replaces them one "
        "by one.",
        parse=parse_whole(1, 64),
    )
    secret_key: str | None = setting(
        None,
        f"one or more keys of at least {MIN_SECRET_KEY} characters, comma-separated, newest first",
        "HMAC keys for API secrets, personal links, start links and live passes. The first "
        "signs; every key verifies, so to rotate, put a new key first and remove the old one "
        "once its links and start links are no longer needed. Unset: a random key kept in "
        "the database.",
        parse=parse_secret_keys,
        secret=True,
    )
    max_body_bytes: int = setting(
        64 * 1024,
        "a number of bytes from 1024 to 16777216",
        "The largest v1 request body (larger: HTTP 413).",
        parse=parse_whole(1024, 16 * 1024 * 1024),
    )
    max_form_fields: int = setting(
        200,
        "a whole number from 10 to 10000",
        "The most form fields a v1 call may send.",
        parse=parse_whole(10, 10_000),
    )
    zak_lifetime_seconds: int = setting(
        2 * 60 * 60,
        "seconds, from 60 to 2592000",
        "How long a host's start_url works.",
        parse=parse_whole(60, 30 * 24 * 3600),
    )
    heartbeat_timeout_seconds: int = setting(
        30,
        "seconds, from 15 to 3600",
        "A live connection silent this long has left (the pages send a heartbeat every 10 s).",
        parse=parse_whole(15, 3600),
    )
    sqlite_synchronous: str = setting(
        "FULL",
        "FULL or NORMAL",
        "SQLite durability: FULL fsyncs every commit; NORMAL "
        "survives a process crash but may lose the last commits on power loss.",
        parse=parse_choice("full", "normal", upper=True),
    )
    rate_limits: str = setting(
        "off",
        "off or zoom",
        "zoom: 10 requests/s per API key and 1/s for list calls "
        "(HTTP 429 with Retry-After, v1 code 403).",
        parse=parse_choice("off", "zoom"),
    )
    redis_url: str | None = setting(
        None,
        "a Redis URL: redis://host:6379/0 (needs the `redis` extra)",
        "Rate-limit and page-throttle counts shared by every process (in memory otherwise).",
        parse=parse_redis,
    )
    admin_token: str | None = setting(
        None,
        "a bearer token",
        "Opens the management API (/podium/api), /podium/outbox and "
        "/metrics to `Authorization: Bearer <token>`.",
        secret=True,
    )
    sandbox: bool = setting(
        False,
        "yes or no",
        "Virtual clock and fault injection; the management API is open "
        "without a token to this machine's own requests (never to proxied ones).",
        parse=parse_flag,
    )
    journal_limit: int = setting(
        1000,
        "a whole number from 0 to 1000000",
        "v1 calls kept in the request journal (oldest pruned).",
        parse=parse_whole(0, 10**6),
    )
    smtp_url: str | None = setting(
        None,
        "smtp://user:password@host:587?starttls=1 or smtps://host:465",
        "Where e-mail goes; unset, messages wait in the outbox.",
        parse=parse_url("smtp", "smtps"),
    )
    mail_from: str = setting(
        "podium@podium.invalid", "an e-mail address", "The sender of every e-mail."
    )
    mail_retry_seconds: int = setting(
        30,
        "seconds, from 1 to 86400",
        "First retry delay of a failed e-mail; doubles each failure (at most 6 h).",
        parse=parse_whole(1, 86400),
    )
    webhook_allow_private: bool = setting(
        False,
        "yes or no",
        "Webhook deliveries may go to loopback, private and link-local addresses (a sandbox "
        "allows them anyway); otherwise such an endpoint is refused.",
        parse=parse_flag,
    )
    webhook_worker: str = setting(
        "process",
        "process, inline or off",
        "Who sends webhooks for `podium serve`: a child process (process), the server's own "
        "event loop (inline; a sandbox always), or nobody (off: run `podium webhook "
        "send-pending` from cron).",
        parse=parse_choice("process", "inline", "off"),
    )
    log_format: str = setting(
        "text",
        "text or json",
        "Log lines as readable text or one JSON object a line (uvicorn's and Podium's alike).",
        parse=parse_choice(*LOG_FORMATS),
    )
    log_level: str = setting(
        "info",
        "debug, info, warning or error",
        "The least severe messages logged; the access log (a line per request) is at info.",
        parse=parse_choice(*LOG_LEVELS),
    )
    forwarded_allow_ips: str | None = setting(
        None,
        "addresses or networks, comma-separated (127.0.0.1,::1 or 10.0.0.0/8), or *",
        "Proxies trusted for X-Forwarded-For/-Proto/-Host: a request from one of them is "
        "taken as coming from the client and host it names. Unset: no proxy is trusted.",
        parse=parse_networks,
    )
    metrics_port: int | None = setting(
        None,
        "a port number from 1 to 65535",
        "Serve /metrics on 127.0.0.1 at this port "
        "too, without a token (on the main port it needs the admin token).",
        parse=parse_whole(1, 65535),
    )
    shutdown_timeout_seconds: int = setting(
        10,
        "seconds, from 1 to 600",
        "How long a stopping process (SIGTERM) lets requests "
        "in flight finish before it closes their connections.",
        parse=parse_whole(1, 600),
    )

    @property
    def webhooks_may_reach_private(self) -> bool:
        """Deliveries to loopback, private and link-local addresses are allowed."""
        return self.sandbox or self.webhook_allow_private

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from PODIUM_* variables; explicit overrides (CLI options) win. Empty
        variables count as unset. Raises SettingError for a value that cannot be used."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        declared_fields = {declared.field: declared for declared in declarations()}
        for declared in declared_fields.values():
            text = env.get(declared.variable, "")
            if text.strip() != "":
                values[declared.field] = declared.read(text)
        for name, value in overrides.items():
            if value is None:
                continue
            declared = declared_fields[name]
            if isinstance(value, str):  # an option's text: checked like the variable's
                value = declared.read(value, f"--{name.replace('_', '-')}")
            values[name] = value
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def temporary(cls) -> Settings:
        """A throwaway SQLite file in a fresh temporary directory (tests, scripts)."""
        folder = Path(tempfile.mkdtemp(prefix="podium-"))
        return cls(database_url=f"sqlite:///{folder / 'podium.sqlite3'}")

    def with_public_url(self, public_url: str) -> Settings:
        return replace(self, public_url=public_url.rstrip("/"))

    def secret_values(self) -> list[str]:
        """Values no log line may show: keys, the admin token, passwords in URLs."""
        found = [key.decode() for key in self.secret_keys]
        found += [self.admin_token] if self.admin_token else []
        for url in (self.database_url, self.smtp_url, self.redis_url):
            try:
                password = urlsplit(url).password if url else None
            except ValueError:
                password = None
            found += [password] if password else []
        return found

    @property
    def secret_keys(self) -> tuple[bytes, ...]:
        """PODIUM_SECRET_KEY's keys, newest first (empty: the database's key is used)."""
        if self.secret_key is None:
            return ()
        return tuple(key.strip().encode() for key in self.secret_key.split(",") if key.strip())


@dataclass(frozen=True)
class Declared:
    """One setting as declared on Settings."""

    field: str
    variable: str
    default: object
    expected: str
    doc: str
    secret: bool
    parse: Parse

    def read(self, text: str, name: str | None = None) -> object:
        """The value of `text`; SettingError names `name` (an option) or the variable."""
        try:
            return self.parse(text)
        except ValueError as error:
            raise SettingError(name or self.variable, str(error), self.expected) from None

    def shown(self, value: object) -> str:
        """The value as `podium config check` prints it: secrets masked."""
        if value is None:
            return "(not set)"
        if self.secret:
            return "(set, hidden)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return mask_url(str(value)) if self.field.endswith("_url") else str(value)


def declarations() -> Iterator[Declared]:
    for item in fields(Settings):
        meta = item.metadata
        yield Declared(
            field=item.name,
            variable=meta.get("variable", f"PODIUM_{item.name.upper()}"),
            default=item.default,
            expected=meta["expected"],
            doc=meta["doc"],
            secret=meta["secret"],
            parse=meta["parse"],
        )


def effective(settings: Settings, environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per setting: variable, value (secrets masked), and where it came from."""
    env = os.environ if environ is None else environ
    lines = []
    for declared in declarations():
        value = getattr(settings, declared.field)
        if value == declared.default:
            source = "default"
        elif env.get(declared.variable, "").strip():
            source = "environment"
        else:
            source = "option"
        lines.append(f"{declared.variable}={declared.shown(value)}  ({source})")
    return lines


def reference_markdown() -> str:
    """docs/configuration.md: every PODIUM_* variable, from the declarations above."""
    lines = [
        "# Configuration",
        "",
        "Generated from `src/podium/settings.py` by `podium config docs > docs/configuration.md`",
        "(tests/unit/test_settings.py fails when this file and the declarations differ).",
        "",
        "Every setting is a `PODIUM_*` environment variable; `podium serve` options of the same",
        "name win over it. Values are checked at start: a bad one stops the command with one",
        "line naming the variable, the value's problem and the expected form (exit status 2).",
        "`podium config check` prints the effective settings, secrets masked.",
        "",
        "| variable | default | expected | meaning |",
        "|---|---|---|---|",
    ]
    for declared in declarations():
        default = (
            "(not set)" if declared.default is None else f"`{declared.shown(declared.default)}`"
        )
        lines.append(
            f"| `{declared.variable}` | {default} | {declared.expected} | {declared.doc} |"
        )
    return "\n".join(lines) + "\n"
