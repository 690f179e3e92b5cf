"""What every HTTP request leaves behind: its request id, an access line and its metrics.

`Observer` wraps the whole app (web/app.Podium calls it for every HTTP request, the v1
path included). The request id is the caller's `X-Request-Id` when it is a plain token
(1 to 128 letters, digits, `.`, `_`, `:`, `-`), otherwise a new one; it is echoed in the
answer's `X-Request-Id`. The access line (logger `podium.access`, level info) names the
route *template* — `/v1/{action}`, `/w/{webinar_id}` — never the raw path, which may hold a
webinar's number, and never the query string, which may hold a token.

An account id appears when the code that served the request put one in the request's
state (`request.state.account_id`, i.e. `scope["state"]["account_id"]`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from random import getrandbits

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.web.logs import ACCESS, access_writer
from podium.web.metrics import Metrics

UNMATCHED = "(unmatched)"
V1_ROUTE = "/v1/{action}"
TOKEN_ROUTE = "/oauth/token"  # noqa: S105 - a route, not a secret
ROUTE_KEY = "podium.route"  # a fast path that routes itself puts its template here
REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
EVENT_STREAM = b"text/event-stream"
_CONVERTER = re.compile(r"\{(\w+):\w+\}")
Dispatch = Callable[[Scope, Receive, Send], Awaitable[None]]


def request_id_of(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if REQUEST_ID.fullmatch(value):
                return bytes(value)
            break
    # Not a secret, only unique: os.urandom is a system call, and system calls cost ~10 µs
    # on these machines (measured: a third of the observer's cost).
    return f"{getrandbits(64):016x}".encode()


class Observer:
    def __init__(self, metrics: Metrics | None) -> None:
        self.metrics = metrics
        self.log = logging.getLogger(ACCESS)
        self.writer = access_writer()  # `podium serve`'s handler; tests: plain logging
        self._templates: dict[tuple[int, str], str] = {}

    def route_of(self, scope: Scope) -> str:
        """The template of the route that answered (the mount's prefix included): a fast
        path that routes itself (/v2) names it in the scope."""
        named = scope.get(ROUTE_KEY)
        if named is not None:
            return str(named)
        route = scope.get("route")
        if route is None:
            return UNMATCHED
        prefix = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
        key = (id(route), prefix)
        template = self._templates.get(key)
        if template is None:
            # A mount that answered itself (static files): its prefix is in root_path already.
            path = "/{path}" if isinstance(route, Mount) else route.path
            template = self._templates[key] = _CONVERTER.sub(r"{\1}", prefix + path)
        return template

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, app: ASGIApp, route: str | None
    ) -> None:
        started = time.perf_counter()
        request_id = request_id_of(scope)
        status = 0
        stream = False
        metrics = self.metrics

        async def sending(message: Message) -> None:
            nonlocal status, stream
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), (b"x-request-id", request_id)]
                message["headers"] = headers
                if metrics is not None and any(
                    name == b"content-type" and value.startswith(EVENT_STREAM)
                    for name, value in headers
                ):
                    stream = True
                    metrics.live.inc()
            await send(message)

        try:
            await app(scope, receive, sending)
        except BaseException:
            status = status or 500
            raise
        finally:
            if stream and metrics is not None:
                metrics.live.dec()
            self._finish(scope, route, status, started, request_id)

    def _finish(
        self, scope: Scope, route: str | None, status: int, started: float, request_id: bytes
    ) -> None:
        seconds = time.perf_counter() - started
        template = route or self.route_of(scope)
        if self.metrics is not None:
            self.metrics.observe(template, scope["method"], status, seconds)
        if self.log.isEnabledFor(logging.INFO):
            state = scope.get("state") or {}
            account = state.get("account_id") if isinstance(state, dict) else None
            if self.writer is not None:
                self.writer.access(
                    scope["method"], template, status, seconds * 1000, request_id.decode(), account
                )
                return
            self.log.info(
                "%s %s %d %.2fms",
                scope["method"],
                template,
                status,
                seconds * 1000,
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "request_id": request_id.decode(),
                    "account_id": account,
                },
            )
