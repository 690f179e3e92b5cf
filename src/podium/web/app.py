"""create_app: the whole Podium ASGI application, built from Settings (no import-time state)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from podium.api.actions import ACTIONS
from podium.clock import VirtualClock
from podium.settings import Settings
from podium.web.admin import Admin
from podium.web.cancel import SelfCancel
from podium.web.faults import Faults
from podium.web.health import Health, Liveness
from podium.web.journal import Journal
from podium.web.limits import MissThrottle, RateLimits
from podium.web.live import Live, sweeper
from podium.web.live_hub import LiveFeed, LiveHub
from podium.web.mailer import OutboxPage, mail_worker
from podium.web.manage import Manage
from podium.web.manage_bearer import bearer_viewer, first_viewer
from podium.web.manage_exports import Exports
from podium.web.manage_reports import ReportPages
from podium.web.manage_routes import dashboard_routes
from podium.web.manage_session import session_viewer
from podium.web.metrics import Metrics, database_backlogs
from podium.web.observe import TOKEN_ROUTE, V1_ROUTE, Observer
from podium.web.pages import Pages
from podium.web.proxy import TrustedProxies
from podium.web.public.calendar import CalendarFiles
from podium.web.public.registration import RegistrationPages
from podium.web.public.report import Reports
from podium.web.public.security import DEFAULTS, SecurityHeaders
from podium.web.rooms import Rooms
from podium.web.runtime import Runtime
from podium.web.v1 import V1Api
from podium.web.v2 import V2_ACTIONS, V2Api
from podium.web.webhook_admin import WebhookAdmin
from podium.web.webhook_process import Webhooks, webhooks_for


def background(
    live: Live, liveness: Liveness, webhooks: Webhooks
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the attendance sweeper and batches (and PostgreSQL relay), the
    mail worker, the webhook worker."""
    runtime = live.runtime
    sweeping = sweeper(runtime, live.hub, live.book)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with sweeping(app), mail_worker(runtime, liveness):
            await webhooks.start()
            try:
                yield
            finally:
                await webhooks.stop()

    return lifespan


EVENTS_ROUTE = "/live/{webinar_id}/events"
SECURITY_HEADERS = [
    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in DEFAULTS.items()
]


def event_stream_of(method: str, path: str) -> str:
    """The webinar id of a live page's event stream (GET /live/<id>/events), else ""."""
    if method != "GET" or not path.startswith("/live/") or not path.endswith("/events"):
        return ""
    webinar_id = path[len("/live/") : -len("/events")]
    return webinar_id if webinar_id and "/" not in webinar_id else ""


class Podium(Starlette):
    """Starlette, except that a v1 call (POST /v1/…), a v2 call (/v2/…) and the token
    endpoint go straight to their API: no router or middleware between the socket and
    `V1Api.serve` or `V2Api.serve` on the hottest paths, nor before a live page's event
    stream (thousands open at once). Every HTTP request passes the
    observer (request id, access line, metrics: web/observe.py), after a trusted proxy's
    headers are applied (web/proxy.py)."""

    def __init__(
        self,
        api: V1Api,
        v2: V2Api,
        observer: Observer,
        proxies: TrustedProxies | None = None,
        live: Live | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.api = api
        self.v2 = v2
        self.live = live
        self.observer = observer
        self.proxies = proxies
        self._routed = super().__call__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._routed(scope, receive, send)
            return
        if self.proxies is not None:
            self.proxies.apply(scope)
        path, root = scope["path"], scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if scope["method"] == "POST" and path.startswith("/v1/"):
            await self.observer(scope, receive, send, partial(self._v1, path[4:]), V1_ROUTE)
        elif path.startswith("/v2/"):  # V2Api.serve names its route in the scope
            await self.observer(scope, receive, send, partial(self._v2, path[3:]), None)
        elif path == "/oauth/token":
            await self.observer(scope, receive, send, self.v2.token, TOKEN_ROUTE)
        elif self.live is not None and (webinar_id := event_stream_of(scope["method"], path)):
            # Thousands stay open for hours: no router or middleware frames held by each.
            scope["path_params"] = {"webinar_id": webinar_id}
            await self.observer(scope, receive, send, self._events, EVENTS_ROUTE)
        else:
            await self.observer(scope, receive, send, self._routed, None)

    async def _events(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.live is not None  # noqa: S101 - routed here only with it
        response = await self.live.events(Request(scope, receive))
        present = {name for name, _ in response.raw_headers}
        response.raw_headers += [h for h in SECURITY_HEADERS if h[0] not in present]
        await response(scope, receive, send)

    async def _v1(self, name: str, scope: Scope, receive: Receive, send: Send) -> None:
        await self.api.serve(scope, receive, send, name)

    async def _v2(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        await self.v2.serve(scope, receive, send, path)


def create_app(settings: Settings, runtime: Runtime | None = None) -> Starlette:
    """Podium: the v1 API under /v1, the public pages, static files and a health check."""
    if runtime is None:
        runtime = Runtime.build(settings, clock=VirtualClock() if settings.sandbox else None)
    journal, faults = Journal(settings.journal_limit), Faults()

    async def index(request: Request) -> Response:
        return pages.render(request, "index.html", {"api_url": f"{settings.public_url}/v1"})

    hub, liveness = LiveHub(), Liveness()
    runtime.subscribe(LiveFeed(runtime, hub))
    metrics = Metrics(now=runtime.context.clock.now)
    metrics.watch_engine(runtime.engine)
    metrics.backlogs.update(database_backlogs(runtime))
    pages = Pages(runtime)
    api = V1Api(runtime, RateLimits.from_settings(settings), journal=journal, faults=faults)
    v2 = V2Api(runtime, journal=journal, faults=faults)
    admin = Admin(
        runtime, journal, faults, frozenset(ACTIONS) | V2_ACTIONS, on_reset=v2.forget_tokens
    )
    webhooks = webhooks_for(runtime, faults)
    liveness.checks["webhooks"] = webhooks.problem
    live = Live(runtime, hub)
    # Who reads an organiser's report or export: for now the account's v2 bearer token.
    # the dashboard's cookie first, else a script's v2 bearer token
    find_viewer = first_viewer(
        partial(session_viewer, runtime), bearer_viewer(v2.access, runtime.context.clock.now)
    )
    static = StaticFiles(packages=[("podium.web", "static")])
    routes = [
        Route("/", index),
        *Health(runtime, liveness, metrics, admin.authorize).routes(),
        Mount("/v1", api),
        Mount("/static", static, name="static"),
        *RegistrationPages(pages).routes(),
        *CalendarFiles(pages).routes(),
        *Rooms(pages).routes(),
        *Reports(pages).routes(),
        *SelfCancel(pages).routes(),
        *live.routes(),
        *Manage(runtime).routes(),
        *Exports(runtime, find_viewer).routes(),
        *ReportPages(pages, find_viewer).routes(),
        *dashboard_routes(runtime, hub, webhooks),
        *admin.routes(),
        *WebhookAdmin(runtime, webhooks).routes(admin.guarded),
        *OutboxPage(runtime, pages, admin.authorize).routes(),
    ]

    async def page_not_found(request: Request, exc: Exception) -> Response:
        """Outside /v1 a person may be reading: unknown pages get an HTML page, not text."""
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        allowed = dict(exc.headers) if isinstance(exc, HTTPException) and exc.headers else None
        if request.url.path.startswith("/podium/api/"):  # an API: JSON, not a page
            message = (
                f"No endpoint at {request.url.path[:200]}."
                if status == 404
                else f"{request.method} is not allowed here."
            )
            body = {"error": {"code": status, "message": message}}
            return JSONResponse(body, status, headers=allowed)
        title = "Page not found" if status == 404 else "Not allowed here"
        return pages.render(
            request,
            "error.html",
            {
                "title": title,
                "message": str(
                    "There is no page at this address."
                    if status == 404
                    else f"{request.method} is not allowed at this address."
                ),
            },
            status=status,
            headers=allowed,  # 405 names the allowed methods (Allow)
        )

    app = Podium(
        api,
        v2,
        Observer(metrics),
        TrustedProxies.from_setting(settings.forwarded_allow_ips),
        live,
        routes=routes,
        lifespan=background(live, liveness, webhooks),
        exception_handlers={404: page_not_found, 405: page_not_found},
    )
    if not settings.sandbox:  # a sandbox's own tests may miss on purpose, and often
        app.add_middleware(MissThrottle, storage_url=settings.redis_url or "memory://")
    app.add_middleware(SecurityHeaders)
    app.state.runtime = runtime
    app.state.hub = hub
    app.state.metrics = metrics
    app.state.liveness = liveness
    app.state.journal = journal
    app.state.faults = faults
    app.state.v2 = v2
    app.state.webhooks = webhooks  # .status(): alive, backlog (readiness, metrics)
    return app
