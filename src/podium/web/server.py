"""Running Podium under uvicorn: in the foreground (CLI) or in a thread (PodiumServer)."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, Self

import uvicorn
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from podium.api.actions import ACTIONS
from podium.api.seed import seed
from podium.clock import VirtualClock
from podium.db import migrate
from podium.db.transfer import reset_everything
from podium.services import lookup, simulation
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.faults import FaultRule, Faults, WebhookFaultRule
from podium.web.journal import Call, Journal
from podium.web.live_hub import LiveHub
from podium.web.metrics import serve_metrics_port
from podium.web.runtime import Runtime
from podium.web.v2 import V2_ACTIONS, V2Api
from podium.web.webhook_sink import SINK_SECRET, WebhookSink


class ServerDidNotStart(RuntimeError):
    pass


class ManagementRefused(RuntimeError):
    """The management API refused a PodiumServer helper's call: (status, body)."""


# The standard asyncio loop, not uvloop: at saturation uvloop served some connections many
# loop turns late (p99 ~15x p50 under wrk -t2 -c64, even for a bare ASGI app that works
# 200 µs per request), while asyncio's loop kept p99 within ~1.2x p50 at the same
# throughput (bench/README.md).
EVENT_LOOP = "asyncio"


def tcp_socket(
    host: str, port: int, *, share_port: bool = False, listening: bool = True
) -> socket.socket:
    """A TCP socket bound to (host, port), listening unless told otherwise. `share_port`:
    other sockets with the option may bind the same port (SO_REUSEPORT, podium.web.workers).

    Made with proto=IPPROTO_TCP (socket.create_server leaves 0): asyncio turns Nagle's
    algorithm off (TCP_NODELAY) only on connections whose socket says TCP, and without it
    every answer waited ~40 ms for the client's delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    made = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share_port:
            made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        made.bind((host, port))
        if listening:
            made.listen(2048)
    except OSError:
        made.close()
        raise
    return made


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else so port 0 can be told to the user."""
    return tcp_socket(host, port)


IDLE_GRACE = 1.0  # seconds an idle keep-alive connection may still bring a request at a stop


class DrainingProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, except at a stop: uvicorn closes an idle keep-alive
    connection at once, and a request the client sent on it in that very moment is lost
    (the client reads a reset). Here such a connection may bring one more request within
    IDLE_GRACE, answered with `Connection: close`; then the client knows, and nothing is
    lost. (tests/e2e/test_restarts.py: without this, a few calls of every SIGHUP failed.)"""

    draining = False

    def shutdown(self) -> None:
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False  # in flight: answered, then closed
            return
        self.draining = True
        self._unset_keepalive_if_required()
        self.timeout_keep_alive_task = self.loop.call_later(IDLE_GRACE, self._close_if_idle)

    def _close_if_idle(self) -> None:
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.draining and self.cycle is not None:
            self.cycle.keep_alive = False


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server, calling `on_started` once it has started (and accepts connections),
    and `on_stopping` when a stop begins (SIGTERM, SIGINT): before it stops accepting and
    waits, at most `timeout_graceful_shutdown` seconds, for the requests in flight."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_started: Callable[[], object],
        on_stopping: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(config)
        self.on_started = on_started
        self.on_stopping = on_stopping

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.on_started()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_stopping()
        await super().shutdown(sockets)


def serve(
    settings: Settings,
    listener: socket.socket,
    *,
    on_started: Callable[[], object] = lambda: None,
) -> None:
    """Serve on `listener` until SIGTERM or SIGINT (the database must already be migrated).

    Logging is the caller's (web/logs.configure): uvicorn only hands its records on. A stop
    first tells the live pages to reconnect (their streams end), then lets the requests in
    flight finish, for at most PODIUM_SHUTDOWN_TIMEOUT_SECONDS."""
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level=settings.log_level,
        access_log=False,  # Podium writes its own access line (web/observe.py)
        lifespan="on",
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        loop=EVENT_LOOP,
        http=DrainingProtocol,
        server_header=False,
    )
    hub: LiveHub = app.state.hub
    stop_metrics = None
    if settings.metrics_port is not None and settings.workers == 1:
        stop_metrics = serve_metrics_port(settings.metrics_port, app.state.metrics.exposition)
    try:
        AnnouncingServer(config, on_started, hub.reconnect_all).run(sockets=[listener])
    finally:
        if stop_metrics is not None:
            stop_metrics()


@dataclass(frozen=True)
class TestAccount:
    """Credentials of an account created for a test."""

    __test__ = False  # not a pytest test class

    account_id: int
    api_key: str
    api_secret: str
    host_id: str


class PodiumServer:
    """A sandbox Podium on 127.0.0.1, on a free port, in a daemon thread (a temporary
    database by default), with its controls at hand:

    ::

        with PodiumServer() as server:
            account = server.create_account()
            client.webinar.base_uri = server.base_url   # "http://127.0.0.1:<port>/v1"
            server.clock.advance(days=1)                # the server's (virtual) time
            server.inject("webinar/register", error_code=3035, count=2)
            server.calls("webinar/register")            # the request journal
            token = server.token(account)               # v2: Bearer token, at server.v2_url
            server.inject("getWebinar", http_status=500)  # v2 faults name the operationId
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: VirtualClock | None = None,
        start_timeout: float = 10,
    ) -> None:
        """`clock`: the server's time (default: a VirtualClock running from now);
        `FixedClock(at)` starts it frozen."""
        self.settings = replace(settings or Settings.temporary(), sandbox=True)
        self.clock = clock or VirtualClock()
        self._start_timeout = start_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._runtime: Runtime | None = None
        self.root_url = ""
        self.base_url = ""
        self.v2_url = ""

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise ServerDidNotStart("start the server first")
        return self._runtime

    def start(self) -> Self:
        migrate.upgrade(self.settings.database_url)
        listener = listen("127.0.0.1", 0)
        host, port = listener.getsockname()[:2]
        self.root_url = f"http://{host}:{port}"
        self.base_url = f"{self.root_url}/v1"
        self.v2_url = f"{self.root_url}/v2"  # what a v2 client is pointed at
        self.settings = self.settings.with_public_url(self.root_url)
        runtime = Runtime.build(self.settings, clock=self.clock)
        app: Starlette = create_app(self.settings, runtime)
        self._runtime = app.state.runtime
        self._journal: Journal = app.state.journal
        self._faults: Faults = app.state.faults
        self._v2: V2Api = app.state.v2
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            access_log=False,
            timeout_graceful_shutdown=5,
            loop=EVENT_LOOP,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [listener]}, daemon=True, name="podium"
        )
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:  # poll with a deadline
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServerDidNotStart("Podium did not start listening")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self.runtime.engine.dispose()

    def reset(self) -> None:
        """Forget every account, webinar and registration (the instance key stays), the
        journal and the fault rules."""
        self.runtime.run(reset_everything, writes=True)
        self._v2.forget_tokens()
        self._journal.clear()
        self._faults.clear()

    def calls(self, action: str | None = None, *, api_key: str | None = None) -> list[Call]:
        """The v1 calls received (oldest first), optionally of one action or API key."""
        return self._journal.calls(action, api_key=api_key)

    def inject(self, action: str = "*", **rule: object) -> FaultRule:
        """A fault rule: `inject("webinar/register", error_code=3035, count=2)`; also
        `message`, `http_status`, `delay_ms`, `drop=True`, `probability`."""
        added = self._faults.add({"action": action, **rule}, frozenset(ACTIONS) | V2_ACTIONS)
        if not isinstance(added, FaultRule):  # pragma: no cover - an action makes a v1 rule
            raise TypeError(added)
        return added

    def inject_webhook(self, event: str = "*", **rule: object) -> WebhookFaultRule:
        """A webhook fault rule: `inject_webhook("webinar.registration_created", drop=True,
        count=1)`; also `delay_ms`, `duplicate`, `reorder_ms`, `bad_signature`,
        `fail_status`, `probability`."""
        added = self._faults.add({"webhook": event, **rule}, frozenset(ACTIONS))
        if not isinstance(added, WebhookFaultRule):  # pragma: no cover - see parse_rule
            raise TypeError(added)
        return added

    def webhook_sink(
        self,
        account: TestAccount | int | None = None,
        *,
        events: list[str] | None = None,
        secret_token: str = SINK_SECRET,
    ) -> WebhookSink:
        """A webhook receiver on 127.0.0.1 that verifies like Zoom's SDK (podium.web.
        webhook_sink), started, and subscribed to `events` (default: all) of `account`:
        `with server.webhook_sink(account) as sink: … sink.wait_for("webinar.created")`."""
        sink = WebhookSink(secret_token).start()
        if account is not None:
            account_id = account if isinstance(account, int) else account.account_id
            document: dict[str, Any] = {"url": sink.url, "secret_token": secret_token}
            if events is not None:
                document["events"] = events
            try:
                created = self._management("POST", f"accounts/{account_id}/webhooks", document)
            except BaseException:
                sink.stop()
                raise
            sink.subscription_id = created["id"]
            path = f"accounts/{account_id}/webhooks/{created['id']}"
            sink.on_stop.append(lambda: self._management("DELETE", path, None))
        return sink

    def _management(self, method: str, path: str, document: object) -> dict[str, Any]:
        """A call to this server's management API (open to loopback on a sandbox)."""
        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            f"{self.root_url}/podium/api/{path}",
            data=None if document is None else json.dumps(document).encode(),
            headers={"content-type": "application/json"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                content = answer.read()
                return json.loads(content) if content else {}
        except urllib.error.HTTPError as error:
            raise ManagementRefused(error.code, error.read().decode(errors="replace")) from None

    def clear_faults(self) -> None:
        self._faults.clear()

    def seed(self, document: dict[str, Any]) -> dict[str, Any]:
        """Accounts, webinars, registrants, panelists and polls in one go (see podium.api.seed)."""
        context = self.runtime.context
        return self.runtime.run(lambda session: seed(session, context, document), writes=True)

    def simulate(self, webinar_id: int | str, **plan: Any) -> list[dict[str, Any]]:
        """Run a whole session of the webinar (see services/simulation.Plan for the knobs)."""
        parsed = simulation.parse_plan(plan)
        context = self.runtime.context

        def work(session: Session) -> list[dict[str, Any]]:
            webinar = lookup.find_webinar(session, webinar_id, account_id=None)
            return simulation.simulate(
                session, webinar, parsed, ids=context.issuer.ids, now=context.clock.now()
            )

        return self.runtime.run(work, writes=True)

    def token(self, account: TestAccount) -> str:
        """A v2 access token of the account (POST /oauth/token with its key pair): send it as
        `Authorization: Bearer <token>`. It expires an hour later on the server's clock."""
        pair = f"{account.api_key}:{account.api_secret}".encode()
        request = urllib.request.Request(  # noqa: S310 - our own http:// URL
            self.url("/oauth/token"),
            data=urllib.parse.urlencode(
                {"grant_type": "account_credentials", "account_id": str(account.account_id)}
            ).encode(),
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our own URL
            return str(json.loads(answer.read())["access_token"])

    def url(self, path: str = "") -> str:
        """An absolute URL on this server: `server.url("/healthz")`."""
        return self.root_url + path

    def create_account(
        self, name: str = "Test", host_email: str = "host@example.com"
    ) -> TestAccount:
        """A fresh account with one webinar host and an API key pair."""
        created = self.runtime.new_account(name=name, host_email=host_email)
        return TestAccount(created.account_id, created.api_key, created.api_secret, created.host_id)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()
