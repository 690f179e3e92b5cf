"""The one place HTTP meets the v2 dialect: /v2/… (JSON, bearer tokens) and POST /oauth/token.

The app hands every /v2 request straight to `V2Api.serve` (plain ASGI, no Starlette router:
api/v2/operations.route finds the operation), as it does v1 calls. Each call is journaled
under its operationId, may be made to misbehave by a sandbox fault rule, and is answered in
v2's error body when it fails (api/v2/errors.py picks the status from the error).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import unquote

from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from podium.api.call import Json
from podium.api.v2 import errors, oauth
from podium.api.v2.openapi import document
from podium.api.v2.operations import OPERATIONS, Operation, read_first, route, run
from podium.api.v2.requests import Request, read_body, read_query
from podium.errors import MethodNotAllowedHere, UnknownAction, ZoomError
from podium.services.oauth import issue_token
from podium.web.faults import Faults
from podium.web.forms import header, parse_urlencoded, receive_body
from podium.web.journal import Journal, redact
from podium.web.observe import ROUTE_KEY
from podium.web.runtime import Runtime
from podium.web.v1 import (
    DROPPED,
    JSON_TYPE,
    drop_connection,
    encode_json,
    misbehave,
    send_json,
)
from podium.web.v2_access import Access

log = logging.getLogger("podium.v2")
V2_ACTIONS = frozenset(operation.name for operation in OPERATIONS)
TOKEN_ACTION = "oauth/token"  # noqa: S105 - the journal's name of the token endpoint
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_DROP: Any = object()  # an injected fault dropped the connection


def _content_type(scope: Scope) -> str:
    return (header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _raw_path(scope: Scope, decoded: str) -> str:
    """The path after /v2 as the client wrote it (percent-encoding kept), else `decoded`."""
    raw = scope.get("raw_path")
    if not raw:
        return decoded
    text = raw.decode("latin-1").split("?", 1)[0]
    root = scope.get("root_path", "")
    if root and text.startswith(root):
        text = text[len(root) :]
    return text[3:] if text.startswith("/v2/") else decoded


def _route(method: str, path: str) -> tuple[Operation, dict[str, str]]:
    """The operation and its path values; 405 (with the path's methods) or 404 else."""
    operation, values, allowed = route(method, path)
    if operation is not None:
        return operation, values
    if allowed:
        raise MethodNotAllowedHere(method=method, allow=", ".join(sorted(set(allowed))))
    raise UnknownAction(path=f"/v2{path}"[:200])


Renderer = Callable[[BaseException], tuple[Json, int, dict[str, str]]]


def _failed(error: BaseException, path: str, render: Renderer) -> tuple[Json, int, dict[str, str]]:
    """The answer to a failed call; one that is not a ZoomError is ours, and logged."""
    if not isinstance(error, ZoomError):
        log.error("unexpected error in %s", path, exc_info=error)
    return render(error)


def _shown_body(body: Any) -> list[tuple[str, str]]:
    """A body's top-level fields as the journal shows them (secrets redacted by the caller)."""
    if body is None:
        return []
    values = body.model_dump(mode="json", exclude_unset=True)
    return [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()]


class V2Api:
    def __init__(self, runtime: Runtime, *, journal: Journal, faults: Faults) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.context = runtime.context
        self.journal = journal
        self.faults = faults
        self.access = Access(runtime, runtime.settings)
        self._document: bytes | None = None  # made on first request (startup stays short)

    def forget_tokens(self) -> None:
        self.access.tokens.forget()

    async def serve(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """One call to /v2`path`, answered and journaled. Routing reads the path as sent
        (`raw_path`): a uuid with "/" comes percent-encoded, as Zoom asks, and must stay one
        segment; its value is decoded afterwards."""
        path = _raw_path(scope, path)
        if path == "/openapi.json" and scope["method"] == "GET":
            if self._document is None:
                self._document = encode_json(document()).encode("utf-8")
            length = str(len(self._document)).encode("latin-1")
            headers = [JSON_TYPE, (b"content-length", length)]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": self._document})
            return
        started, at = time.perf_counter(), self.context.clock.now()
        shown: dict[str, str] = {}
        name, code = path[:200], None
        extra: dict[str, str] = {}
        try:
            operation, values = _route(scope["method"], path)
            scope[ROUTE_KEY] = "/v2" + operation.path  # the access line's route template
            name = operation.name
            answer = await self.answer(operation, values, scope, receive, shown)
            status = DROPPED if answer is _DROP else operation.status
        except ClientDisconnect:
            status, answer = DROPPED, None
        except Exception as error:
            answer, status, extra = _failed(error, scope["path"], errors.render)
            code = answer["code"]
        self.journal.record(
            at=at,
            action=name,
            params=shown,
            code=code,
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        if answer is _DROP:
            await drop_connection(send)
        elif status == 204:
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        elif status != DROPPED:
            await send_json(send, answer, status, extra)

    async def answer(
        self,
        operation: Operation,
        values: dict[str, str],
        scope: Scope,
        receive: Receive,
        shown: dict[str, str],
    ) -> Any:
        settings = self.settings
        query = parse_urlencoded(scope["query_string"], max_fields=settings.max_form_fields)
        now = self.context.clock.now()
        grant = self.access.authenticate(
            header(scope, b"authorization"),
            any(key == "access_token" for key, _ in query),
            _address(scope),
            now,
        )
        path = {key: unquote(unquote(value)) for key, value in values.items()}  # once or twice
        shown.update({"api_key": grant.api_key, **path, **redact(query)})
        self.access.count(grant, operation.label)
        rule = self.faults.pick(operation.name)
        if rule is not None and await misbehave(rule):
            return _DROP
        raw = b""
        if operation.body is not None:
            raw = await receive_body(scope, receive, limit=settings.max_body_bytes)
        request = Request(
            path,
            read_query(operation.query, query),
            read_body(operation.body, raw, _content_type(scope)),
        )
        shown.update(redact(_shown_body(request.body)))
        if operation.read is not None:  # the common case, on a plain connection
            first = partial(read_first, operation, request, grant.account_id, self.context, now)
            answer = self.runtime.read(first)
            if answer is not None:
                return answer
        work = partial(run, operation, request, grant.account_id, self.context, now)
        return await self.runtime.transact(work, writes=operation.writes)

    async def token(self, scope: Scope, receive: Receive, send: Send) -> None:
        """POST /oauth/token: an access token for an account's key pair."""
        started, at = time.perf_counter(), self.context.clock.now()
        shown: dict[str, str] = {}
        code = None
        headers = dict(NO_STORE)
        try:
            body, status = await self.issue(scope, receive, shown), 200
        except ClientDisconnect:
            return
        except Exception as error:
            body, status, extra = _failed(error, scope["path"], errors.render_oauth)
            headers |= extra
            code = error.code if isinstance(error, ZoomError) else 500
        self.journal.record(
            at=at,
            action=TOKEN_ACTION,
            params=shown,
            code=code,
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        await send_json(send, body, status, headers)

    async def issue(self, scope: Scope, receive: Receive, shown: dict[str, str]) -> Any:
        if scope["method"] != "POST":
            raise MethodNotAllowedHere(method=scope["method"], allow="POST")
        settings, address = self.settings, _address(scope)
        self.access.guard(address)
        limit, fields = settings.max_body_bytes, settings.max_form_fields
        params = parse_urlencoded(scope["query_string"], max_fields=fields)
        raw = await receive_body(scope, receive, limit=limit)
        if raw.strip():
            params += parse_urlencoded(raw, max_fields=fields)
        asked = oauth.read_token_request(header(scope, b"authorization"), params)
        shown.update({"api_key": asked.client_id, "account_id": asked.account_id[:40]})
        issuer, now = self.context.issuer, self.context.clock.now()
        work = partial(
            issue_token,
            client_id=asked.client_id,
            client_secret=asked.client_secret,
            account_id=asked.account_id,
            key=issuer.key,
            ids=issuer.ids,
            now=now,
        )
        try:
            token, grant = await self.runtime.transact(work, writes=True)
        except ZoomError:
            self.access.missed(address)
            raise
        self.access.tokens.remember(token, grant)
        return oauth.token_answer(token, grant, now, settings.public_url)
