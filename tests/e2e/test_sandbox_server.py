"""PodiumServer for integrators' tests: your own clock, and a reset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
import requests
from zoomus import ZoomClient

from podium.clock import FixedClock
from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.e2e


def call(server: PodiumServer, account: TestAccount, action: str, **params: Any) -> Any:
    return httpx2.post(
        f"{server.base_url}/{action}",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            **params,
        },
    ).json()


def test_the_clock_moves_a_webinar_from_upcoming_to_past() -> None:
    clock = FixedClock(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    with PodiumServer(clock=clock) as server:
        account = server.create_account()
        created = call(
            server,
            account,
            "webinar/create",
            topic="Soon",
            approval_type=0,
            start_time="2026-02-01T10:00:00Z",
            duration=60,
        )
        before = call(server, account, "webinar/list/registration")
        server.clock.advance(days=31, hours=2)
        after = call(server, account, "webinar/list/registration")
        late = call(
            server,
            account,
            "webinar/register",
            id=created["id"],
            email="a@x.test",
            first_name="A",
            last_name="B",
        )

    assert created["created_at"] == "2026-01-01T09:00:00Z"
    assert [w["id"] for w in before["webinars"]] == [created["id"]]
    assert after["webinars"] == []
    assert late == {
        "error": {"code": 3038, "message": "Webinar is over, you can not register now."}
    }


def test_reset_forgets_everything_but_keeps_serving() -> None:
    with PodiumServer() as server:
        old = server.create_account()
        call(server, old, "webinar/create", topic="Gone")

        server.reset()

        refused = call(server, old, "webinar/list")
        new = server.create_account()
        listed = call(server, new, "webinar/list")

    assert refused == {"error": {"code": 200, "message": "Invalid api key or secret"}}
    assert listed["total_records"] == 0


def _zoom(server: PodiumServer, account: TestAccount) -> ZoomClient:
    client = ZoomClient(account.api_key, account.api_secret)
    for component in client.components.values():
        component.base_uri = server.base_url
    return client


def test_injected_faults_reach_a_published_client(
    server: PodiumServer, fresh_account: TestAccount
) -> None:
    zoom = _zoom(server, fresh_account)
    webinar = zoom.webinar.create(
        host_id=fresh_account.host_id, topic="Faults", approval_type=0
    ).json()
    server.inject("webinar/register", error_code=3035, message="Webinar is full.", count=1)
    person = {"id": webinar["id"], "email": "f@x.test", "first_name": "F", "last_name": "G"}

    full = zoom.webinar.register(**person).json()
    accepted = zoom.webinar.register(**person).json()
    server.inject("webinar/get", drop=True, count=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="Connection broken"):
        zoom.webinar.get(host_id=fresh_account.host_id, id=webinar["id"])
    after = zoom.webinar.get(host_id=fresh_account.host_id, id=webinar["id"]).json()

    assert full == {"error": {"code": 3035, "message": "Webinar is full."}}
    assert set(accepted) >= {"registrant_id", "join_url"}
    assert after["topic"] == "Faults"
    calls = server.calls("webinar/register", api_key=fresh_account.api_key)
    assert [call.code for call in calls] == [3035, None]
    assert calls[0].params["api_secret"] == "[redacted]"
    dropped = server.calls("webinar/get", api_key=fresh_account.api_key)
    assert [call.status for call in dropped] == [0, 200]


def test_the_fixture_simulates_a_session(server: PodiumServer, fresh_account: TestAccount) -> None:
    zoom = _zoom(server, fresh_account)
    webinar = zoom.webinar.create(
        host_id=fresh_account.host_id,
        topic="Simulated",
        approval_type=0,
        start_time=datetime(2099, 1, 1, 10, 0, tzinfo=UTC),
        duration=30,
    ).json()
    for number in range(4):
        zoom.webinar.register(
            id=webinar["id"], email=f"s{number}@x.test", first_name=f"S{number}", last_name="T"
        )

    [story] = server.simulate(webinar["id"], seed=3, show_up_rate=0.5, questions=1)

    attendees = call(
        server, fresh_account, "webinar/attendees/list", id=webinar["id"], uuid=story["uuid"]
    )["attendees"]
    assert sorted(a["email"] for a in attendees if a["attended"] == "Yes") == sorted(
        p["email"] for p in story["attendees"] for _join in p["joins"]
    )
    assert len(story["attendees"]) == 2
