"""A person registers in a real browser: fill the form, submit, see the confirmation."""

from __future__ import annotations

import httpx2
import pytest
from playwright.sync_api import Page, expect

from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.browser


def registration_url(server: PodiumServer, account: TestAccount, approval_type: int) -> str:
    created = httpx2.post(
        f"{server.base_url}/webinar/create",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            "topic": "Browser launch",
            "approval_type": str(approval_type),
            "start_time": "2099-06-01T16:00:00Z",
            "timezone": "Europe/Paris",
        },
    ).json()
    url: str = created["registration_url"]
    assert url == f"{server.root_url}/webinar/register/{created['id']}"
    return url


def registrants(server: PodiumServer, account: TestAccount, url: str) -> list[dict[str, str]]:
    webinar_id = url.rsplit("/", 1)[1]
    body = httpx2.post(
        f"{server.base_url}/webinar/registration",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            "id": webinar_id,
        },
    ).json()
    found: list[dict[str, str]] = body["attendees"]
    return found


def fill(page: Page, email: str) -> None:
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Register").click()


def test_register_and_see_the_join_link(
    page: Page, server: PodiumServer, fresh_account: TestAccount
) -> None:
    url = registration_url(server, fresh_account, approval_type=0)
    page.goto(url)
    expect(page.get_by_role("heading", name="Browser launch")).to_be_visible()
    expect(page.get_by_test_id("when")).to_have_text("Monday 01 June 2099, 18:00 (Europe/Paris)")

    fill(page, "grace@navy.test")

    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    [registrant] = registrants(server, fresh_account, url)
    expect(page.locator("a.join")).to_have_attribute("href", registrant["registration_url"])
    assert (registrant["email"], registrant["approval"]) == ("grace@navy.test", "approved")
    page.locator("a.join").click()
    expect(page.get_by_text("Welcome, Grace Hopper.")).to_be_visible()


def test_bad_email_shows_the_error_and_keeps_the_form(
    page: Page, server: PodiumServer, fresh_account: TestAccount
) -> None:
    url = registration_url(server, fresh_account, approval_type=1)
    page.goto(url)

    fill(page, "grace-at-navy")

    expect(page.get_by_role("alert")).to_have_text(
        "Invalid parameter: email. An email address must have an @-sign."
    )
    expect(page.get_by_label("First name")).to_have_value("Grace")
    assert registrants(server, fresh_account, url) == []
    fill(page, "grace@navy.test")
    expect(page.locator(".pending")).to_contain_text("pending approval")
    assert [r["approval"] for r in registrants(server, fresh_account, url)] == ["pending"]


def test_times_in_the_viewers_zone(
    page: Page, server: PodiumServer, fresh_account: TestAccount
) -> None:
    page.goto(registration_url(server, fresh_account, approval_type=0))

    page.get_by_label("Show times in").select_option("America/New_York")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_test_id("when")).to_have_text(
        "Monday 01 June 2099, 12:00 (America/New_York)"
    )
