"""The sandbox covers v2: `.v2_url` and `.token(account)`, the request journal, fault rules,
the virtual clock, seed and reset, and Zoom's v2 rate limits (opt-in)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import httpx2
import pytest

from podium.clock import FixedClock
from podium.settings import Settings
from podium.testing import PodiumServer

pytestmark = pytest.mark.e2e


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_journal_faults_clock_and_reset_apply_to_v2() -> None:
    clock = FixedClock(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    with PodiumServer(clock=clock) as server:
        account = server.create_account()
        token = server.token(account)
        listing = f"{server.v2_url}/users/me/webinars"
        server.inject("listWebinars", http_status=503, message="Down for a test.", count=1)
        server.inject("getWebinar", drop=True, count=1)

        faulty = httpx2.get(listing, headers=bearer(token))
        fine = httpx2.get(listing, headers=bearer(token))
        with pytest.raises(httpx2.RemoteProtocolError):
            httpx2.get(f"{server.v2_url}/webinars/1", headers=bearer(token))
        clock.advance(hours=1)
        expired = httpx2.get(listing, headers=bearer(token))
        fresh = server.token(account)
        server.reset()
        after_reset = httpx2.get(listing, headers=bearer(fresh))
        journal = [(c.action, c.status, c.code) for c in server.calls()]

    assert server.v2_url == f"{server.root_url}/v2"
    assert (faulty.status_code, faulty.json()) == (
        503,
        {"code": 503, "message": "Down for a test."},
    )
    assert (fine.status_code, fine.json()["total_records"]) == (200, 0)
    assert (expired.status_code, expired.json()) == (
        401,
        {"code": 124, "message": "Access token is expired."},
    )
    assert (after_reset.status_code, after_reset.json()) == (
        401,
        {"code": 124, "message": "Invalid access token."},
    )
    assert journal == [("listWebinars", 401, 124)]  # the journal was reset too


def test_journal_shows_v2_calls_by_operation_and_key(server: PodiumServer) -> None:
    account = server.create_account()
    token = server.token(account)

    httpx2.post(
        f"{server.v2_url}/users/me/webinars",
        json={"topic": "Journaled", "password": "s3cret"},
        headers=bearer(token),
    )

    calls = server.calls(api_key=account.api_key)
    assert [(c.action, c.status, c.code) for c in calls] == [
        ("oauth/token", 200, None),
        ("createWebinar", 201, None),
    ]
    assert calls[1].params == {
        "api_key": account.api_key,
        "userId": "me",
        "topic": "Journaled",
        "password": "[redacted]",
    }


def test_seeded_accounts_speak_v2() -> None:
    with PodiumServer() as server:
        seeded = server.seed(
            {
                "accounts": [
                    {
                        "api_key": "seed-key",
                        "api_secret": "seed-secret-0123456789",
                        "webinars": [{"topic": "Seeded", "approval_type": 0}],
                    }
                ]
            }
        )
        [account] = seeded["accounts"]
        answer = httpx2.post(
            f"{server.root_url}/oauth/token",
            data={"grant_type": "account_credentials", "account_id": str(account["account_id"])},
            auth=("seed-key", "seed-secret-0123456789"),
        ).json()
        listed = httpx2.get(
            f"{server.v2_url}/users/me/webinars", headers=bearer(answer["access_token"])
        ).json()

    assert [w["topic"] for w in listed["webinars"]] == ["Seeded"]


def test_zoom_rate_limits_are_opt_in_and_answer_with_zoom_headers() -> None:
    settings = replace(Settings.temporary(), rate_limits="zoom")
    with PodiumServer(settings) as server:
        account = server.create_account()
        token = server.token(account)
        limits = server._v2.access.limits  # fill this second's window without timing
        assert limits is not None
        for _ in range(10):  # the Heavy category's second is used up
            limits.check(account.account_id, "Heavy")

        limited = httpx2.get(f"{server.v2_url}/report/webinars/1", headers=bearer(token))

    assert (limited.status_code, limited.json()) == (
        429,
        {
            "code": 429,
            "message": "You have reached the maximum per-second rate limit for this API. "
            "Try again later.",
        },
    )
    assert {
        k: limited.headers[k] for k in ("x-ratelimit-category", "x-ratelimit-limit", "retry-after")
    } == {
        "x-ratelimit-category": "Heavy",
        "x-ratelimit-limit": "10",
        "retry-after": "1",
    }
