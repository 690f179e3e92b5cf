"""In-process cost of one call, v1 `webinar/get` beside v2 `GET /webinars/{id}` (Bearer), on
the same app and SQLite file, straight through the ASGI callable (no socket, no wrk): the
median of 5 rounds of 2,000 calls each. `python bench/v2_inprocess.py`."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any
from urllib.parse import urlencode

from starlette.testclient import TestClient

from podium.db import migrate
from podium.settings import Settings
from podium.web.app import create_app

ROUNDS, CALLS = 5, 2000


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(),
        "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1), "root_path": "",
        "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80),
    }  # fmt: skip


async def cost(app: Any, call: dict[str, Any], body: bytes) -> float:
    """µs per call, over CALLS calls."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        return None

    began = time.perf_counter()
    for _ in range(CALLS):
        await app(call, receive, send)
    return (time.perf_counter() - began) / CALLS * 1e6


def main() -> None:
    settings = Settings.temporary()
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    account = app.state.runtime.new_account(name="Bench", host_email="host@bench.test")
    with TestClient(app) as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "account_credentials", "account_id": str(account.account_id)},
            auth=(account.api_key, account.api_secret),
        ).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        created = client.post(
            "/v2/users/me/webinars",
            json={"topic": "Get me", "agenda": "x" * 200, "start_time": "2030-01-01T10:00:00Z"},
            headers=bearer,
        ).json()
    v1 = scope("POST", "/v1/webinar/get", [(b"content-type", b"application/x-www-form-urlencoded")])
    form = {"api_key": account.api_key, "api_secret": account.api_secret,
            "host_id": account.host_id, "id": created["id"]}  # fmt: skip
    v2 = scope(
        "GET", f"/v2/webinars/{created['id']}", [(b"authorization", f"Bearer {token}".encode())]
    )
    rounds: dict[str, list[float]] = {"v1 webinar/get": [], "v2 GET /webinars/{id}": []}
    for _ in range(ROUNDS):
        rounds["v1 webinar/get"].append(asyncio.run(cost(app, v1, urlencode(form).encode())))
        rounds["v2 GET /webinars/{id}"].append(asyncio.run(cost(app, v2, b"")))
    for name, figures in rounds.items():
        print(f"{name}: {statistics.median(figures):.0f} µs per call (median of {ROUNDS})")  # noqa: T201


if __name__ == "__main__":
    main()
