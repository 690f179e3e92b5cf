"""PodiumServer for integrators' tests: your own clock, and a reset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

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
