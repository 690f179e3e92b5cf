"""Podium's own JSON endpoints for integrators (beside /v1, so the v1 dialect stays pure).

Authentication is the account's API key pair as HTTP Basic credentials
(`Authorization: Basic base64(api_key:api_secret)`). Documented in docs/management-api.md.

    GET  /podium/api/webinars/{id}/polls   → {"polls": [{id, title, questions}]}
    POST /podium/api/webinars/{id}/polls   {"title", "questions": [{name, type, answers}]}
                                           → 201 {id, title, questions}
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from podium.db.models import Poll
from podium.errors import InvalidParameter, ZoomError
from podium.services import accounts, lookup, polls
from podium.web.errors import management_refusal
from podium.web.forms import read_body
from podium.web.runtime import Runtime

UNAUTHORIZED = {"WWW-Authenticate": 'Basic realm="podium"'}


def poll_json(poll: Poll) -> dict[str, Any]:
    return {"id": poll.id, "title": poll.title, "questions": json.loads(poll.questions)}


class Manage:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def routes(self) -> list[Route]:
        return [
            Route("/podium/api/webinars/{webinar_id}/polls", self.polls, methods=["GET", "POST"])
        ]

    def _credentials(self, request: Request) -> tuple[str, str] | None:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            key, sep, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (key, secret) if sep else None

    async def polls(self, request: Request) -> Response:
        credentials = self._credentials(request)
        if credentials is None:
            return JSONResponse(
                {
                    "error": {
                        "code": 401,
                        "message": "Send the account's API key "
                        "and secret as HTTP Basic credentials.",
                    }
                },
                401,
                UNAUTHORIZED,
            )
        data: object = None
        if request.method == "POST":
            try:
                body = await read_body(request, limit=self.runtime.settings.max_body_bytes)
                data = json.loads(body or b"null")
            except ZoomError as error:
                return management_refusal(error)
            except ValueError:
                data = None
        webinar_id = request.path_params["webinar_id"]
        key, secret = credentials
        now = self.runtime.context.clock.now()

        def work(session: Session) -> tuple[int, dict[str, Any]]:
            account_id = accounts.authenticate(
                session, key, secret, key=self.runtime.context.issuer.key
            )
            webinar = lookup.find_webinar(session, webinar_id, account_id=account_id)
            if request.method == "GET":
                return 200, {"polls": [poll_json(p) for p in polls.list_polls(session, webinar)]}
            if data is None:
                raise InvalidParameter(name="poll", reason="The body is not JSON.")
            title, questions = polls.parse_poll(data)
            return 201, poll_json(polls.create_poll(session, webinar, title, questions, now=now))

        try:
            status, answer = self.runtime.run(work, writes=request.method == "POST")
        except ZoomError as error:
            return management_refusal(error)
        return JSONResponse(answer, status)
