"""The one place HTTP meets the v1 API: POST /v1/{action}, every answer in the v1 envelope."""

from __future__ import annotations

import logging
from functools import partial
from importlib.resources import files

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from podium.api import envelope
from podium.api.actions import ACTIONS, run_action
from podium.api.params import Params
from podium.errors import MethodNotAllowed, UnknownAction, ZoomError
from podium.web.forms import body_params, parse_urlencoded
from podium.web.limits import RateLimits
from podium.web.live import LiveHub
from podium.web.runtime import Runtime

log = logging.getLogger("podium.v1")


def openapi_document() -> bytes:
    return files("podium").joinpath("openapi.yaml").read_bytes()


def make_api(runtime: Runtime, hub: LiveHub, limits: RateLimits | None = None) -> Starlette:
    """The /v1 application."""
    settings = runtime.settings
    context = runtime.context
    document = openapi_document()

    async def dispatch(request: Request) -> Response:
        name = request.path_params["action"].strip("/")
        action = ACTIONS.get(name)
        if action is None:
            raise UnknownAction(path=f"/v1/{name}"[:200])
        query = parse_urlencoded(request.scope["query_string"], max_fields=settings.max_form_fields)
        body = await body_params(
            request, limit=settings.max_body_bytes, max_fields=settings.max_form_fields
        )
        params = Params.merge(query=query, body=body)
        if limits is not None:
            limits.check(name, params.raw("api_key") or "")
        work = partial(run_action, action, params, context)
        answer = await runtime.transact(work, writes=action.writes)
        if name == "webinar/end":  # every live page hears it, after the commit
            hub.publish(int(answer["id"]), "ended", {})
        return JSONResponse(answer)

    async def openapi(_request: Request) -> Response:
        return Response(document, media_type="application/yaml")

    routes = [
        Route("/openapi.yaml", openapi, methods=["GET"]),
        Route("/{action:path}", dispatch, methods=["POST"]),
    ]
    handlers = {ZoomError: on_error, HTTPException: on_error, Exception: on_error}
    return Starlette(routes=routes, exception_handlers=handlers)


def on_error(request: Request, exc: Exception) -> Response:
    """Starlette calls this for ZoomError, its own HTTPException, and anything unexpected."""
    error: BaseException = exc
    if isinstance(exc, HTTPException):
        if exc.status_code == 405:
            error = MethodNotAllowed(method=request.method)
        else:
            error = UnknownAction(path=request.url.path[:200])
    elif not isinstance(exc, ZoomError):
        log.error("unexpected error in %s", request.url.path, exc_info=exc)
    body, status, headers = envelope.render(error)
    return JSONResponse(body, status, headers=headers)
