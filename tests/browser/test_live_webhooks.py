"""What people do in the live pages reaches webhook receivers: the host starts from the
console, an attendee joins through a personal link and leaves, the host ends — the receiver
gets webinar.started, participant_joined, participant_left and webinar.ended, signed."""

from __future__ import annotations

import httpx2
import pytest
from playwright.sync_api import Browser, expect

from podium.testing import PodiumServer, TestAccount
from tests.webhook_check import zoom_signature_ok

pytestmark = pytest.mark.browser


def test_the_live_pages_send_webhooks(
    browser: Browser, server: PodiumServer, fresh_account: TestAccount
) -> None:
    keys = {"api_key": fresh_account.api_key, "api_secret": fresh_account.api_secret}
    live_events = [
        "webinar.started",
        "webinar.participant_joined",
        "webinar.participant_left",
        "webinar.ended",
    ]
    with server.webhook_sink(fresh_account, events=live_events) as sink:
        webinar = httpx2.post(
            f"{server.base_url}/webinar/create",
            data={**keys, "host_id": fresh_account.host_id, "topic": "Dés", "approval_type": 0},
        ).json()
        zoe = httpx2.post(
            f"{server.base_url}/webinar/register",
            data={
                **keys,
                "id": webinar["id"],
                "email": "zoë@x.test",
                "first_name": "Zoë",
                "last_name": "Ø",
            },
        ).json()
        host = browser.new_context().new_page()
        host.goto(webinar["start_url"])
        host.get_by_role("button", name="Go live", exact=True).click()  # the green room first
        expect(host.get_by_test_id("status")).to_have_text("Live")
        attendee = browser.new_context().new_page()
        attendee.goto(zoe["join_url"])
        expect(host.get_by_test_id("present")).to_have_text("1")
        attendee.get_by_role("button", name="Leave").click()
        expect(host.get_by_test_id("present")).to_have_text("0")
        host.get_by_role("button", name="End webinar", exact=True).click()
        host.get_by_role("dialog").get_by_role("button", name="End webinar", exact=True).click()
        expect(host.get_by_role("heading", name="This webinar has ended")).to_be_visible()

        received = sink.wait_for(count=4)

    assert [item.event for item in received] == live_events
    assert all(zoom_signature_ok(item.raw, item.headers, sink.secret_token) for item in received)
    started, joined, left, ended = (item.body["payload"]["object"] for item in received)
    assert started["uuid"] == joined["uuid"] == left["uuid"] == ended["uuid"]
    assert started["id"] == str(webinar["id"])
    assert joined["participant"]["user_name"] == "Zoë Ø"
    assert joined["participant"]["registrant_id"] == zoe["registrant_id"]
    assert left["participant"]["user_id"] == joined["participant"]["user_id"]
