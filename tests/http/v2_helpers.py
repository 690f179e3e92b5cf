"""Calling /v2 as its clients do: a token from POST /oauth/token, then JSON with a bearer."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from httpx2 import Response
from pydantic import BaseModel
from starlette.testclient import TestClient

from podium.api.v2 import answers
from podium.api.v2.operations import OPERATIONS
from tests.conftest import PUBLIC_URL, AccountKeys


def basic(api_key: str, api_secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
    return {"Authorization": f"Basic {pair}"}


def token_for(client: TestClient, account: AccountKeys) -> str:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "account_credentials", "account_id": str(account.account_id)},
        headers=basic(account.api_key, account.api_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def conforms(method: str, path: str, response: Response) -> None:
    """The answer is what the OpenAPI document says of the operation: the success status and
    model (strict, no extra keys), an empty 204, or the error body."""
    template = "/" + path.split("?")[0].lstrip("/")
    operation = next(op for op in OPERATIONS if op.method == method and op.pattern.match(template))
    if response.status_code == 204:
        assert response.content == b""
        return
    model: type[BaseModel] = answers.ErrorAnswer
    if response.status_code == operation.status and operation.answer is not None:
        model = operation.answer
    model.model_validate_json(response.content, strict=True)


@dataclass
class V2:
    """A v2 client of one account: `v2.get("/webinars/1")` → the httpx response, checked
    against the document."""

    client: TestClient
    token: str

    def renew(self, account: AccountKeys) -> None:
        """A new token (after the test moved the clock past the old one's hour)."""
        self.token = token_for(self.client, account)

    def call(self, method: str, path: str, **options: Any) -> Response:
        headers = {"Authorization": f"Bearer {self.token}", **options.pop("headers", {})}
        response = self.client.request(method, f"/v2{path}", headers=headers, **options)
        conforms(method, path, response)
        return response

    def get(self, path: str, **params: Any) -> Response:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any, **params: Any) -> Response:
        return self.call("POST", path, json=body, params=params)

    def patch(self, path: str, body: Any, **params: Any) -> Response:
        return self.call("PATCH", path, json=body, params=params)

    def put(self, path: str, body: Any, **params: Any) -> Response:
        return self.call("PUT", path, json=body, params=params)

    def delete(self, path: str, **params: Any) -> Response:
        return self.call("DELETE", path, params=params)


def error(code: int, message: str, **errors: str) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = [{"field": k, "message": v} for k, v in errors.items()]
    return body


def invalid(**errors: str) -> dict[str, Any]:
    return error(300, "Validation Failed.", **errors)


def join_url(webinar_id: int) -> str:
    return f"{PUBLIC_URL}/j/{webinar_id}"


def webinar_body(**topic_and_more: Any) -> dict[str, Any]:
    """A valid create body."""
    return {"topic": "Launch", "start_time": "2026-02-01T15:00:00Z", **topic_and_more}
