"""The one place HTTP meets the v1 API: POST /v1/{action}, every answer in the v1 envelope."""

from __future__ import annotations

import asyncio
import logging
import time
from functools import partial
from importlib.resources import files

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from podium.api import envelope
from podium.api.actions import ACTIONS, run_action
from podium.api.params import Params
from podium.errors import InternalError, MethodNotAllowed, UnknownAction, ZoomError
from podium.web.faults import FaultRule, Faults
from podium.web.forms import body_params, parse_urlencoded
from podium.web.journal import Journal, redact
from podium.web.limits import RateLimits
from podium.web.live import LiveHub
from podium.web.runtime import Runtime

log = logging.getLogger("podium.v1")


def openapi_document() -> bytes:
    return files("podium").joinpath("openapi.yaml").read_bytes()


class DroppedConnection(Response):
    """An injected fault: headers promise a body that never comes; the server then closes
    the connection, so the client sees it break mid-answer."""

    def __init__(self) -> None:
        super().__init__(status_code=0)  # what the journal records: no HTTP status

    async def __call__(self, _scope: Scope, _receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})


async def misbehave(rule: FaultRule) -> bool:
    """Apply an injected fault: wait, then raise its error; True means drop the connection."""
    if rule.delay_ms:
        await asyncio.sleep(rule.delay_ms / 1000)
    if rule.drop:
        return True
    injected = rule.error()
    if injected is not None:
        raise injected
    return False


def make_api(
    runtime: Runtime,
    hub: LiveHub,
    limits: RateLimits | None = None,
    *,
    journal: Journal,
    faults: Faults,
) -> Starlette:
    """The /v1 application. Every call goes to `journal`; `faults` may make it misbehave."""
    settings = runtime.settings
    context = runtime.context
    document = openapi_document()

    async def run(request: Request, name: str, shown: dict[str, str]) -> Response:
        action = ACTIONS.get(name)
        if action is None:
            raise UnknownAction(path=f"/v1/{name}"[:200])
        query = parse_urlencoded(request.scope["query_string"], max_fields=settings.max_form_fields)
        body = await body_params(
            request, limit=settings.max_body_bytes, max_fields=settings.max_form_fields
        )
        shown.update(redact([*query, *body]))
        params = Params.merge(query=query, body=body)
        if limits is not None:
            limits.check(name, params.raw("api_key") or "")
        rule = faults.pick(name)
        if rule is not None and await misbehave(rule):
            return DroppedConnection()
        work = partial(run_action, action, params, context)
        answer = await runtime.transact(work, writes=action.writes)
        if name == "webinar/end":  # every live page hears it, after the commit
            hub.publish(int(answer["id"]), "ended", {})
        return JSONResponse(answer)

    async def dispatch(request: Request) -> Response:
        started, at = time.perf_counter(), context.clock.now()
        name = request.path_params["action"].strip("/")[:200]
        shown: dict[str, str] = {}
        code, status = None, 500
        try:
            response = await run(request, name, shown)
        except Exception as error:
            known = error if isinstance(error, ZoomError) else InternalError()
            code, status = known.code, known.status
            raise
        else:
            status = response.status_code
            return response
        finally:
            journal.record(
                at=at,
                action=name,
                params=shown,
                code=code,
                status=status,
                duration_ms=(time.perf_counter() - started) * 1000,
            )

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
