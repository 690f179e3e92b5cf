"""Log lines: text or JSON, uvicorn's and Podium's alike, with secrets scrubbed.

`configure(format, level)` gives the root logger one handler on standard error; uvicorn's
loggers hand their records to it (uvicorn runs with `log_config=None`). Every line passes
`scrub`: tokens in query strings (tk, zak, pass, api_secret, …), bearer and basic
credentials, passwords in URLs, SQL parameters in database errors, and the process's own
secrets (PODIUM_SECRET_KEY keys, the admin token, database and SMTP passwords) become `***`.

Text: `2026-01-15T12:00:00.123Z INFO podium.access POST /v1/{action} 200 1.84ms
request_id=… account_id=…`; JSON: one object a line with time, level, logger, message
and, for the access log, method, route, status, duration_ms, request_id, account_id.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import re
import sys
import time
from collections.abc import Iterable

ACCESS = "podium.access"
MASK = "***"
# Query parameters, form fields and JSON members whose values are secrets or personal links.
SECRET_NAMES = r"(?:api_secret|secret|password|passwd|zak|tk|token|access_token|pass|key)"  # noqa: S105 - names, not values
PATTERNS = (
    re.compile(rf"(?i)(\b{SECRET_NAMES}=)[^&\s\"',;]+"),
    re.compile(rf"(?i)(\"{SECRET_NAMES}\"\s*:\s*\")[^\"]*"),
    re.compile(rf"(?i)('{SECRET_NAMES}'\s*:\s*')[^']*"),
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(x-podium-pass['\"]?\s*[:=,]\s*['\"]?)[^'\"\s,)]+"),
    re.compile(r"([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)"),  # user:password@host
    re.compile(r"(\[parameters: )[^\n]*(\])"),  # SQLAlchemy's error detail (to the line's last ])
)
FLUSH_SECONDS = 0.1  # access lines wait at most this long to be written
FLUSH_LINES = 512
ACCESS_FIELDS = ("method", "route", "status", "duration_ms", "request_id", "account_id")


class Scrubber:
    """Masks secrets in a finished line: known patterns, then the process's own secrets."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def __call__(self, line: str) -> str:
        for pattern in PATTERNS:
            line = pattern.sub(_masked, line)
        for secret in self.secrets:
            if secret in line:
                line = line.replace(secret, MASK)
        return line


def _masked(match: re.Match[str]) -> str:
    tail = match.group(2) if match.re.groups > 1 and match.group(2) else ""
    return f"{match.group(1)}{MASK}{tail}"


def _timestamp(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    def __init__(self, scrub: Scrubber) -> None:
        super().__init__()
        self.scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == ACCESS:
            account = getattr(record, "account_id", None)
            message += f" request_id={getattr(record, 'request_id', '-')}"
            if account is not None:
                message += f" account_id={account}"
        line = f"{_timestamp(record)} {record.levelname} {record.name} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        # An access line is made of a route template, numbers and a checked request id:
        # nothing to scrub (and it is the line written for every request).
        return line if record.name == ACCESS else self.scrub(line)


class JsonFormatter(logging.Formatter):
    def __init__(self, scrub: Scrubber) -> None:
        super().__init__()
        self.scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == ACCESS:
            for name in ACCESS_FIELDS:
                value = getattr(record, name, None)
                if value is not None:
                    data[name] = value
        if record.exc_info:
            data["exception"] = self.scrub(self.formatException(record.exc_info))
        line = json.dumps(data, ensure_ascii=False)
        return line if record.name == ACCESS else self.scrub(line)


class PodiumHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure` installs. Access lines skip the logging machinery: each is
    one formatted string, and those of the last FLUSH_SECONDS go out in one write
    (measured: 43 µs a line through a LogRecord and a flushed write, a few µs so; system
    calls are dear on these machines, and one write per request halved webinar/get's
    throughput). Other records go through `emit`, after the access lines waiting."""

    def __init__(self, log_format: str, scrub: Scrubber) -> None:
        super().__init__(sys.stderr)
        self.json = log_format == "json"
        self.setFormatter(JsonFormatter(scrub) if self.json else TextFormatter(scrub))
        self._pending: list[str] = []
        self._second = -1
        self._stamp = ""

    def _time(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._stamp}.{int((now - second) * 1000):03d}Z"

    def access(
        self,
        method: str,
        route: str,
        status: int,
        milliseconds: float,
        request_id: str,
        account_id: object,
    ) -> None:
        """Queue an access line (info, podium.access); written at the end of the loop's turn."""
        stamp = self._time()
        if self.json:
            account = "" if account_id is None else f', "account_id": {json.dumps(account_id)}'
            message = json.dumps(f"{method} {route} {status} {milliseconds:.2f}ms")
            line = (
                f'{{"time": "{stamp}", "level": "info", "logger": "{ACCESS}", "message": '
                f'{message}, "method": {json.dumps(method)}, "route": {json.dumps(route)}, '
                f'"status": {status}, "duration_ms": {round(milliseconds, 3)}, '
                f'"request_id": "{request_id}"{account}}}'
            )
        else:
            account = "" if account_id is None else f" account_id={account_id}"
            line = (
                f"{stamp} INFO {ACCESS} {method} {route} {status} {milliseconds:.2f}ms "
                f"request_id={request_id}{account}"
            )
        self._pending.append(line)
        if len(self._pending) == 1:
            try:
                asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush_access)
            except RuntimeError:  # no event loop here: write it now
                self.flush_access()
        elif len(self._pending) >= FLUSH_LINES:
            self.flush_access()

    def emit(self, record: logging.LogRecord) -> None:
        self.flush_access()  # keep the order of the lines
        super().emit(record)

    def flush_access(self) -> None:
        lines, self._pending = self._pending, []
        if lines:
            self.acquire()
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            finally:
                self.release()


def access_writer() -> PodiumHandler | None:
    """The root logger's PodiumHandler, when `configure` installed one."""
    found = [h for h in logging.getLogger().handlers if isinstance(h, PodiumHandler)]
    return found[0] if found else None


def configure(log_format: str, level: str, secrets: Iterable[str] = ()) -> None:
    """Every log line of the process (Podium's, uvicorn's, libraries') on standard error in
    `log_format`, from `level` up."""
    handler = PodiumHandler(log_format, Scrubber(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    atexit.register(handler.flush_access)
    root.setLevel(level.upper())
    # Alembic says "Context impl SQLiteImpl." and each step at info: for debugging only.
    logging.getLogger("alembic").setLevel(logging.DEBUG if level == "debug" else logging.WARNING)
    # Never below warning, even at debug: SQLAlchemy would log every statement with its
    # parameters, python-multipart every form field it parses.
    for chatty in ("sqlalchemy", "multipart", "python_multipart", "aiosmtplib", "asyncio"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        uvicorn_logger.setLevel(logging.NOTSET)
