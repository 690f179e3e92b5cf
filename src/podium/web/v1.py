"""The one place HTTP meets the v1 API: POST /v1/{action}, every answer in the v1 envelope.

Every v1 call is a POST, and the app sends each one straight to `V1Api.serve`: plain ASGI,
no router, request object or middleware on the way (bench/README.md has the numbers that
made it so). Whatever else reaches /v1 (the OpenAPI document, other methods) goes through a
small Starlette app that renders the same envelope.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from podium.api import envelope
from podium.api.actions import ACTIONS, dispatch
from podium.api.params import Params
from podium.errors import MethodNotAllowed, UnknownAction, ZoomError
from podium.web.faults import FaultRule, Faults
from podium.web.forms import parse_body, parse_urlencoded, receive_body
from podium.web.journal import Journal, redact
from podium.web.limits import RateLimits
from podium.web.runtime import Runtime

log = logging.getLogger("podium.v1")

# What Starlette's JSONResponse writes, without building a response object per call.
encode_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
JSON_TYPE = (b"content-type", b"application/json")
DROPPED = 0  # the journal's status for an answer that never completed
PIECE_ITEMS = 500  # items of a long list encoded and sent at a time


def openapi_document() -> bytes:
    return files("podium").joinpath("openapi.yaml").read_bytes()


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


async def drop_connection(send: Send) -> None:
    """An injected fault: headers promise a body that never comes; the server then closes
    the connection, so the client sees it break mid-answer."""
    headers = [JSON_TYPE, (b"content-length", b"64")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})


def long_lists(body: Any) -> bool:
    return isinstance(body, dict) and any(
        isinstance(value, list) and len(value) > PIECE_ITEMS for value in body.values()
    )


def json_pieces(body: dict[str, Any]) -> Iterator[str]:
    """`body` as JSON text (exactly `encode_json(body)`) in pieces: a list longer than
    PIECE_ITEMS goes PIECE_ITEMS items at a time, each released once encoded. So a report of
    50,000 attendees never exists as one 11 MB string and again as bytes, next to every
    item still held (peak memory in bench/README.md)."""
    text = ["{"]  # what goes out with the next piece
    for index, (key, value) in enumerate(body.items()):
        text.append(("," if index else "") + encode_json(key) + ":")
        if not (isinstance(value, list) and len(value) > PIECE_ITEMS):
            text.append(encode_json(value))
            continue
        text.append("[")
        for start in range(0, len(value), PIECE_ITEMS):
            end = min(start + PIECE_ITEMS, len(value))
            text.append(("," if start else "") + encode_json(value[start:end])[1:-1])
            value[start:end] = [None] * (end - start)  # encoded: let go of it
            yield "".join(text)
            text.clear()
        text.append("]")
    text.append("}")
    yield "".join(text)


async def send_json(send: Send, body: Any, status: int, extra: dict[str, str]) -> None:
    """The answer; one with a long list goes in pieces (chunked transfer encoding)."""
    headers = [
        (key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in extra.items()
    ]
    if long_lists(body):
        await send(
            {"type": "http.response.start", "status": status, "headers": [*headers, JSON_TYPE]}
        )
        for piece in json_pieces(body):
            await send({"type": "http.response.body", "body": piece.encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b""})  # the end
        return
    payload = encode_json(body).encode("utf-8")
    headers += [(b"content-length", str(len(payload)).encode("latin-1")), JSON_TYPE]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def render_error(error: BaseException, path: str) -> tuple[Any, int, dict[str, str]]:
    """The envelope of any exception; one that is not a ZoomError is ours, and logged."""
    if not isinstance(error, ZoomError):
        log.error("unexpected error in %s", path, exc_info=error)
    return envelope.render(error)


class V1Api:
    """The /v1 application. Every call goes to `journal`; `faults` may make it misbehave."""

    def __init__(
        self,
        runtime: Runtime,
        limits: RateLimits | None = None,
        *,
        journal: Journal,
        faults: Faults,
    ) -> None:
        self.runtime = runtime
        self.limits = limits
        self.journal = journal
        self.faults = faults
        self.settings = runtime.settings
        self.context = runtime.context
        document = openapi_document()

        async def openapi(_request: Request) -> Response:
            return Response(document, media_type="application/yaml")

        routes = [
            Route("/openapi.yaml", openapi, methods=["GET"]),
            Route("/{action:path}", RoutedCall(self), methods=["POST"]),
        ]
        handlers = {ZoomError: on_error, HTTPException: on_error, Exception: on_error}
        self.others = Starlette(routes=routes, exception_handlers=handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As mounted at /v1: what the app did not already send to `serve`."""
        await self.others(scope, receive, send)

    async def serve(self, scope: Scope, receive: Receive, send: Send, name: str) -> None:
        """One v1 call, `name` being the path after /v1/, answered and journaled."""
        started, at = time.perf_counter(), self.context.clock.now()
        name = name.strip("/")[:200]
        shown: dict[str, str] = {}
        code, dropped = None, False
        extra: dict[str, str] = {}
        try:
            answer = await self.answer(scope, receive, name, shown)
        except ClientDisconnect:  # nobody is left to answer
            status, body = DROPPED, None
        except Exception as error:
            body, status, extra = render_error(error, scope["path"])
            code = body["error"]["code"]
        else:
            dropped = answer is None
            status, body = (DROPPED if dropped else 200), answer
        self.journal.record(
            at=at,
            action=name,
            params=shown,
            code=code,
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        if dropped:
            await drop_connection(send)
        elif status != DROPPED:
            await send_json(send, body, status, extra)

    async def answer(
        self, scope: Scope, receive: Receive, name: str, shown: dict[str, str]
    ) -> dict[str, Any] | None:
        """The call's JSON answer; None when an injected fault drops the connection."""
        settings = self.settings
        action = ACTIONS.get(name)
        if action is None:
            raise UnknownAction(path=f"/v1/{name}"[:200])
        query = parse_urlencoded(scope["query_string"], max_fields=settings.max_form_fields)
        raw = await receive_body(scope, receive, limit=settings.max_body_bytes)
        body = await parse_body(
            scope, raw, max_fields=settings.max_form_fields, limit=settings.max_body_bytes
        )
        shown.update(redact([*query, *body]))
        params = Params.merge(query=query, body=body)
        if self.limits is not None:
            self.limits.check(name, params.raw("api_key") or "")
        rule = self.faults.pick(name)
        if rule is not None and await misbehave(rule):
            return None
        plan = dispatch(action, params, self.context)
        if plan.first is not None:
            answer = self.runtime.read(plan.first)
            if answer is not None:
                return answer
        return await self.runtime.transact(plan.work, writes=plan.writes)


class RoutedCall:
    """The POST route of the Starlette part (so other methods get 405 with Allow: POST)."""

    def __init__(self, api: V1Api) -> None:
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.api.serve(scope, receive, send, scope["path_params"]["action"])


async def on_error(request: Request, exc: Exception) -> Response:
    """Starlette calls this for its own HTTPException (no route, wrong method) and anything
    unexpected outside `serve`. A coroutine: Starlette runs plain functions in a thread."""
    error: BaseException = exc
    if isinstance(exc, HTTPException):
        if exc.status_code == 405:
            error = MethodNotAllowed(method=request.method)
        else:
            error = UnknownAction(path=request.url.path[:200])
    body, status, headers = render_error(error, request.url.path)
    payload = encode_json(body).encode("utf-8")
    return Response(payload, status, headers=headers, media_type="application/json")
