"""Two Podium processes on two ports over one PostgreSQL database: the host on one, the
attendees on the other; the poll and the end reach everyone (LISTEN/NOTIFY)."""

from __future__ import annotations

import os
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser
ON_POSTGRES = os.environ.get("PODIUM_TEST_DATABASE_URL", "").startswith("postgres")


def api(base: str, account: Any, action: str, **params: Any) -> Any:
    return httpx2.post(
        f"{base}/v1/{action}",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            **params,
        },
    ).json()


@pytest.mark.skipif(not ON_POSTGRES, reason="events cross processes through PostgreSQL NOTIFY")
def test_host_and_attendees_on_different_processes(
    browser: Browser, two_servers: list[str], server: Any
) -> None:
    first, second = two_servers
    account = server.create_account(host_email="two@procs.test")
    webinar = api(
        first,
        account,
        "webinar/create",
        topic="Two processes",
        approval_type=0,
        start_time="2099-01-01T10:00:00Z",
    )
    link = api(
        second,
        account,
        "webinar/register",
        id=webinar["id"],
        email="a@procs.test",
        first_name="Ann",
        last_name="Two",
    )["join_url"]
    assert link.startswith(second)

    attendee = browser.new_context().new_page()
    attendee.goto(link)
    expect(attendee.get_by_test_id("status")).to_have_text("Waiting for the host to start.")
    host = browser.new_context().new_page()
    host.goto(webinar["start_url"])
    expect(host.get_by_test_id("status")).to_have_text("Green room: not live yet")
    host.get_by_role("button", name="Go live").click()
    host.get_by_role("dialog").get_by_role("button", name="Go live now").click()
    expect(host.get_by_test_id("status")).to_have_text("Live")
    expect(attendee.get_by_test_id("status")).to_have_text("Live")
    expect(host.get_by_test_id("present")).to_have_text("1")

    host.get_by_text("Create a poll").click()
    host.get_by_label("Poll title").fill("Across")
    host.get_by_label("Question text").fill("Here?")
    host.get_by_label("Answers, one per line").fill("Yes\nNo")
    host.get_by_role("button", name="Create poll").click()
    host.get_by_role("button", name="Launch", exact=True).click()
    attendee.get_by_label("Yes").check()
    attendee.get_by_role("button", name="Submit answers").click()
    expect(host.locator("[data-results] .result")).to_have_text(
        ["Yes 1 vote · 100%", "No 0 votes · 0%"]
    )
    host.get_by_role("button", name="End webinar").click()
    host.get_by_role("dialog").get_by_role("button", name="End webinar").click()

    expect(attendee.get_by_test_id("status")).to_have_text("This webinar has ended.")
    report = api(second, account, "webinar/polls", id=webinar["id"])
    assert report["questions"] == [
        {
            "name": "Ann Two",
            "email": "a@procs.test",
            "question_details": [{"question": "Here?", "answer": "Yes"}],
        }
    ]
