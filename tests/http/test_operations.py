"""The operator's doors: /healthz, /readyz, /metrics, X-Request-Id, the access line, and
trusted proxies (the sandbox's loopback rule never opens the management API to a proxy)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from podium.settings import Settings
from podium.web.app import create_app
from podium.web.health import Liveness
from podium.web.logs import ACCESS, JsonFormatter, Scrubber, TextFormatter
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.mail_sink import run_async

TOKEN = "admin-token-for-tests"


def app_client(settings: Settings, runtime: Runtime, **changes: object) -> TestClient:
    changed = replace(settings, **changes)  # type: ignore[arg-type]
    runtime = replace(runtime, settings=changed)
    return TestClient(create_app(changed, runtime), raise_server_exceptions=False)


@pytest.fixture
def admin_client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    with app_client(settings, runtime, admin_token=TOKEN) as client:
        yield client


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")

    assert (response.status_code, response.text) == (200, "ok")


def test_readyz_checks_database_and_migrations(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "webhooks": "ok"},
    }
    assert response.headers["cache-control"] == "no-store"


def test_readyz_names_a_stopped_worker_with_503(client: TestClient) -> None:
    liveness: Liveness = client.app.state.liveness  # type: ignore[attr-defined]

    async def stopped() -> None:
        return None

    async def finished() -> asyncio.Task[None]:
        task = asyncio.create_task(stopped())
        await task
        return task

    liveness.watch("webhooks", run_async(finished))
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "ok", "webhooks": "stopped"},
        "failing": ["webhooks"],
    }


def test_readyz_names_an_unreachable_database(settings: Settings) -> None:
    missing = replace(
        settings,
        database_url="sqlite:////nonexistent-folder/podium.sqlite3",
        secret_key="a-key-so-that-nothing-is-read-at-start",
    )
    broken = Runtime.build(missing)
    # no lifespan (no `with`): its attendance sweep would fail on the missing database first
    response = TestClient(create_app(missing, broken)).get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database", "migrations"]
    assert body["checks"] == {
        "database": "unreachable: unable to open database file",
        "migrations": "unknown",
        "webhooks": "ok",  # no worker was started: nothing to say without the database
    }


def test_metrics_need_the_admin_token(admin_client: TestClient) -> None:
    refused = admin_client.get("/metrics")
    admin_client.post("/v1/webinar/get", data={"api_key": "k", "api_secret": "s"})
    admin_client.get("/w/123", params={"tk": "a-token"})

    answer = admin_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert refused.status_code == 401
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = answer.text.splitlines()
    assert (
        'podium_http_requests_total{method="POST",route="/v1/{action}",status="200"} 1.0' in lines
    )
    assert (
        'podium_http_requests_total{method="GET",route="/w/{webinar_id}",status="403"} 1.0' in lines
    )
    assert 'podium_http_requests_total{method="GET",route="/metrics",status="401"} 1.0' in lines
    assert "podium_live_connections 0.0" in lines
    assert "podium_outbox_backlog 0.0" in lines
    assert "podium_outbox_oldest_age_seconds 0.0" in lines
    assert [line for line in lines if line.startswith("podium_http_request_duration_seconds_count")]
    assert "a-token" not in answer.text
    assert "/w/123" not in answer.text


def test_outbox_backlog_counts_waiting_mail(admin_client: TestClient, account: AccountKeys) -> None:
    created = admin_client.post(
        "/v1/webinar/create", data=account.host_params(topic="T", approval_type="0")
    ).json()
    admin_client.post(
        "/v1/webinar/register",
        data=account.credentials(id=created["id"], email="a@b.test", first_name="A", last_name="B"),
    )

    answer = admin_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert "podium_outbox_backlog 1.0" in answer.text.splitlines()


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-Id": "req-42.a_b:c"})
    made = client.post("/v1/webinar/get", headers={"X-Request-Id": "not ok!"})

    assert given.headers["x-request-id"] == "req-42.a_b:c"
    assert re.fullmatch(r"[0-9a-f]{16}", made.headers["x-request-id"])


def test_access_line_names_the_route_template_not_the_path(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=ACCESS):
        client.get("/w/98765?tk=personal-token", headers={"X-Request-Id": "r1"})
        client.post("/v1/webinar/list", headers={"X-Request-Id": "r2"})
        client.get("/no/such/page", headers={"X-Request-Id": "r3"})
        client.get("/static/podium.css", headers={"X-Request-Id": "r4"})

    shown = [
        (r.getMessage().rsplit(" ", 1)[0], r.route, r.request_id)  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == ACCESS
    ]
    assert shown == [
        ("GET /w/{webinar_id} 403", "/w/{webinar_id}", "r1"),
        ("POST /v1/{action} 200", "/v1/{action}", "r2"),
        ("GET (unmatched) 404", "(unmatched)", "r3"),
        ("GET /static/{path} 200", "/static/{path}", "r4"),
    ]


def test_log_formats_scrub_secrets() -> None:
    scrub = Scrubber(["the-admin-token"])
    uvicorn_line = logging.LogRecord(
        "uvicorn.error",
        logging.WARNING,
        __file__,
        1,
        "bad request %s",
        ("/w/1?tk=abcdef&x=1",),
        None,
    )
    sql = logging.LogRecord(
        "podium.v1",
        logging.ERROR,
        __file__,
        1,
        "failed: %s",
        ("Bearer the-admin-token [parameters: ('key', 'hash')]",),
        None,
    )

    text, json_line = TextFormatter(scrub).format(uvicorn_line), JsonFormatter(scrub).format(sql)

    assert text.endswith(" WARNING uvicorn.error bad request /w/1?tk=***&x=1")
    assert TextFormatter(scrub).format(sql).endswith(" failed: Bearer *** [parameters: ***]")
    assert '"message": "failed: Bearer *** [parameters: ***]"' in json_line


def test_access_line_formats() -> None:
    record = logging.LogRecord(
        ACCESS,
        logging.INFO,
        __file__,
        1,
        "%s %s %d %.2fms",
        ("GET", "/w/{webinar_id}", 200, 1.5),
        None,
    )
    record.__dict__.update(
        method="GET",
        route="/w/{webinar_id}",
        status=200,
        duration_ms=1.5,
        request_id="r1",
        account_id=7,
    )
    scrub = Scrubber()

    text, json_line = TextFormatter(scrub).format(record), JsonFormatter(scrub).format(record)

    assert text.endswith(
        " INFO podium.access GET /w/{webinar_id} 200 1.50ms request_id=r1 account_id=7"
    )
    assert json_line.endswith(
        '"level": "info", "logger": "podium.access", "message": "GET /w/{webinar_id} 200 1.50ms", '
        '"method": "GET", "route": "/w/{webinar_id}", "status": 200, "duration_ms": 1.5, '
        '"request_id": "r1", "account_id": 7}'
    )


def test_proxied_request_needs_the_token_even_from_loopback(
    settings: Settings, runtime: Runtime
) -> None:
    def loopback_client(**changes: object) -> TestClient:
        sandbox = replace(settings, sandbox=True, **changes)  # type: ignore[arg-type]
        app = create_app(sandbox, replace(runtime, settings=sandbox))
        return TestClient(app, client=("127.0.0.1", 50000))

    with loopback_client() as client:
        direct = client.get("/podium/api/journal")
        forwarded = client.get("/podium/api/journal", headers={"X-Forwarded-For": "127.0.0.1"})
        claimed = client.get("/podium/api/journal", headers={"X-Real-IP": "127.0.0.1"})
    with loopback_client(forwarded_allow_ips="127.0.0.1") as client:
        from_the_proxy = client.get("/podium/api/journal")
        with_token = client.get("/podium/api/journal", headers={"Authorization": "Bearer x"})

    assert (direct.status_code, direct.json()) == (200, {"calls": []})
    assert [forwarded.status_code, claimed.status_code, from_the_proxy.status_code] == [
        403,
        403,
        403,
    ]
    assert forwarded.json()["error"]["message"].startswith("The management API is off")
    assert with_token.status_code == 403  # no token is set: the API is off behind a proxy


def test_trusted_proxy_gives_the_client_address_and_scheme(
    settings: Settings, runtime: Runtime
) -> None:
    behind = replace(settings, forwarded_allow_ips="127.0.0.1,10.0.0.0/8")
    app = create_app(behind, replace(runtime, settings=behind))
    seen: list[tuple[str, str]] = []

    async def record(request: Request) -> Response:
        seen.append((request.client.host if request.client else "", request.url.scheme))
        return PlainTextResponse("ok")

    app.router.routes.append(Route("/who", record))
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        client.get(
            "/who",
            headers={"X-Forwarded-For": "203.0.113.9, 10.1.2.3", "X-Forwarded-Proto": "https"},
        )
        client.get("/who", headers={"X-Forwarded-For": "198.51.100.7"})
    with TestClient(app, client=("192.0.2.1", 50000)) as untrusted:
        untrusted.get(
            "/who", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        )

    assert seen == [("203.0.113.9", "https"), ("198.51.100.7", "http"), ("192.0.2.1", "http")]
