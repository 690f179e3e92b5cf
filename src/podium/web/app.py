"""create_app: the whole Podium ASGI application, built from Settings (no import-time state)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from podium.settings import Settings
from podium.web.live import Live, LiveHub, sweeper
from podium.web.manage import Manage
from podium.web.pages import Pages
from podium.web.rooms import Rooms
from podium.web.runtime import Runtime
from podium.web.v1 import make_api


def create_app(settings: Settings, runtime: Runtime | None = None) -> Starlette:
    """Podium: the v1 API under /v1, the public pages, static files and a health check."""
    runtime = runtime or Runtime.build(settings)

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    pages = Pages(runtime)
    hub = LiveHub()
    live = Live(runtime, hub)
    static = StaticFiles(packages=[("podium.web", "static")])
    routes = [
        Route("/healthz", health),
        Mount("/v1", make_api(runtime, hub)),
        Mount("/static", static, name="static"),
        *pages.routes(),
        *Rooms(pages).routes(),
        *live.routes(),
        *Manage(runtime).routes(),
    ]
    app = Starlette(routes=routes, lifespan=sweeper(runtime))
    app.state.runtime = runtime
    app.state.hub = hub
    return app
