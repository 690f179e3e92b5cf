"""Calling the v1 API the three ways real clients do."""

from __future__ import annotations

from typing import Any, Literal

from starlette.testclient import TestClient

Style = Literal["query", "body", "split"]
STYLES: tuple[Style, ...] = ("query", "body", "split")


def v1(client: TestClient, action: str, params: dict[str, Any], style: Style = "body") -> Any:
    """POST /v1/<action>; the answer must be HTTP 200 JSON (the v1 way, errors included)."""
    values = {key: str(value) for key, value in params.items()}
    if style == "query":  # Python zoomus: everything in the query string, empty body
        response = client.post(f"/v1/{action}", params=values)
    elif style == "body":  # npm zoomus: a urlencoded body
        response = client.post(f"/v1/{action}", data=values)
    else:  # credentials in the query, the rest in the body
        credentials: dict[str, str] = {
            k: values.pop(k) for k in ("api_key", "api_secret") if k in values
        }
        response = client.post(f"/v1/{action}", params=credentials, data=values)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
