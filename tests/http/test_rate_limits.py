"""The opt-in Zoom-like rate limits: 10 requests/s per key, 1/s for list calls; answered with
HTTP 429, Retry-After and the v1 code 403; shared between processes through Redis."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.ids import Ids
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.limits import RateLimits
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys, make_account

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMITED = {
    "error": {
        "code": 403,
        "message": "Sorry, the maximum number of api requests are "
        "already reached. Please try later.",
    }
}


@pytest.fixture(autouse=True)
def one_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits library's clock (not Podium's), stopped for the test: its calls all fall in
    one 1-second window however slowly a busy machine makes them."""
    now = time.time()
    stopped = SimpleNamespace(time=lambda: now)
    monkeypatch.setattr("limits.storage.memory.time", stopped)
    monkeypatch.setattr("limits.storage.redis.time", stopped)


@pytest.fixture
def limited(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    zoom = dataclasses.replace(settings, rate_limits="zoom")
    with TestClient(create_app(zoom, runtime)) as client:
        yield client


def test_eleventh_call_in_a_second_is_429(limited: TestClient, account: AccountKeys) -> None:
    answers = [
        limited.post("/v1/webinar/get", data=account.host_params(id="1234567890"))
        for _ in range(11)
    ]

    assert [a.json()["error"]["code"] for a in answers[:10]] == [3001] * 10
    assert answers[10].status_code == 429
    assert answers[10].json() == LIMITED
    assert answers[10].headers["retry-after"] == "1"


def test_list_calls_are_one_a_second(limited: TestClient, account: AccountKeys) -> None:
    first = limited.post("/v1/webinar/list", data=account.host_params())
    second = limited.post("/v1/webinar/list", data=account.host_params())
    other = limited.post("/v1/webinar/get", data=account.host_params(id="1"))

    assert first.json()["total_records"] == 0
    assert (second.status_code, second.json()) == (429, LIMITED)
    assert other.json()["error"]["code"] == 3001


def test_limits_are_off_by_default(client: TestClient, account: AccountKeys) -> None:
    answers = [client.post("/v1/webinar/list", data=account.host_params()) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]


def test_processes_share_limits_through_redis(
    settings: Settings,
    runtime: Runtime,
    connection: object,
    clock: FixedClock,
) -> None:
    shared = dataclasses.replace(settings, rate_limits="zoom", redis_url=REDIS_URL)
    # keys of this run's own (not seeded): other runs on this machine share the Redis server
    unseeded = Runtime.build(shared, clock=clock, ids=Ids(), bind=connection)  # type: ignore[arg-type]
    account = make_account(unseeded, "Acme", "host@acme.test")
    one = create_app(shared, runtime)
    two = create_app(shared, Runtime.build(shared, clock=clock, ids=Ids.seeded(9), bind=connection))  # type: ignore[arg-type]
    with TestClient(one) as first, TestClient(two) as second:
        answers = [
            (first if n % 2 else second).post("/v1/webinar/get", data=account.host_params(id="1"))
            for n in range(11)
        ]

    assert [a.status_code for a in answers] == [200] * 10 + [429]


def test_unknown_profile_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="unknown rate limit profile: strict"):
        RateLimits.from_settings(dataclasses.replace(settings, rate_limits="strict"))
