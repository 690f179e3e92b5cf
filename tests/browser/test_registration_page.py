"""A person registers in a real browser, at 1280 and 390 px: the page finds their time zone
and shows the times there (a searchable list changes it, no reload), asks the webinar's
questions, and confirms with the date, a Join button and a calendar file that calendars
read. The leak that was: someone typing a registered person's e-mail under another name
sees no link, and the owner receives it by e-mail through a real SMTP server."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from podium.codes import CustomQuestionType
from podium.db.models import Registrant, Webinar
from podium.services import questions
from podium.settings import Settings
from podium.testing import PodiumServer
from tests.browser.conftest import WIDTHS, Api, Visit
from tests.mail_sink import MailSink, parts

pytestmark = pytest.mark.browser


def ask(server: PodiumServer, webinar_id: int) -> None:
    form = questions.validated(
        [questions.StandardQuestion("last_name", True), questions.StandardQuestion("org", False)],
        [
            questions.CustomQuestion(
                "Team", CustomQuestionType.SINGLE_RADIO, True, ("Red", "Blue")
            ),
            questions.CustomQuestion("Topics", CustomQuestionType.MULTIPLE, False, ("API", "UI")),
        ],
    )

    def work(session: Any) -> None:
        webinar = session.query(Webinar).filter_by(id=webinar_id).one()
        questions.set_questions(session, webinar, form, now=server.clock.now())

    server.runtime.run(work, writes=True)


def fill(page: Page, email: str, *, first: str = "Grace", last: str = "Hopper") -> None:
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("E-mail address").fill(email)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_the_registration_story(width: int, visit: Visit, api: Api, server: PodiumServer) -> None:
    webinar = api(
        "webinar/create",
        topic="Browser launch",
        approval_type=0,
        start_time="2099-06-01T16:00:00Z",
        duration=60,
        timezone="Europe/Paris",
    )
    ask(server, webinar["id"])

    page = visit(webinar["registration_url"], width, timezone_id="America/New_York")
    page.evaluate("window.sameDocument = true")

    expect(page.get_by_role("heading", name="Browser launch")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    when = page.get_by_test_id("when")
    expect(when).to_have_text("Monday, June 1, 2099 12:00 PM – 1:00 PM (New York, United States)")
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    expect(when).to_have_text("Tuesday, June 2, 2099 1:00 AM – 2:00 AM (Tokyo, Japan)")
    assert page.evaluate("window.sameDocument") is True  # no reload
    expect(page.locator("#zones option")).to_have_count(419)  # zone.tab's and UTC

    fill(page, f"grace.{width}@navy.test")
    page.get_by_label("Blue").check()
    page.get_by_label("UI").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    expect(page.get_by_test_id("when")).to_have_text(
        "Tuesday, June 2, 2099 1:00 AM – 2:00 AM (Tokyo, Japan)"
    )
    [person] = api("webinar/registration", id=webinar["id"])["attendees"]
    join = page.get_by_test_id("join")
    expect(join).to_have_attribute("href", person["registration_url"])
    with page.expect_download() as download:
        page.get_by_test_id("ics").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    [event] = list[Any](calendar.walk("VEVENT"))  # icalendar's property types: a wide union
    assert (str(event["SUMMARY"]), str(event["URL"])) == (
        "Browser launch",
        person["registration_url"],
    )
    assert event["DTSTART"].dt.astimezone(UTC).isoformat() == "2099-06-01T16:00:00+00:00"
    google = page.get_by_role("link", name="Google Calendar")
    assert "dates=20990601T160000Z%2F20990601T170000Z" in (google.get_attribute("href") or "")
    stored = server.runtime.run(
        lambda s: s.execute(
            select(Registrant.custom_questions).where(Registrant.email == person["email"])
        ).scalar_one(),
        writes=False,
    )
    assert json.loads(stored) == [
        {"title": "Team", "value": "Blue"},
        {"title": "Topics", "value": "UI"},
    ]

    join.click()
    expect(page.get_by_text("Welcome, Grace Hopper.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Waiting for the host to start.")


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_an_email_already_registered_shows_no_link_and_the_owner_gets_it(
    width: int, visit: Visit, mail_sink: MailSink
) -> None:
    settings = replace(Settings.temporary(), smtp_url=mail_sink.url)
    with PodiumServer(settings) as server:
        api = Api(server, server.create_account(host_email="host@leak.test"))
        webinar = api(
            "webinar/create", topic="Leak", approval_type=0, start_time="2099-06-01T16:00:00Z"
        )
        owner = api.register(webinar["id"], "Ada")

        page = visit(webinar["registration_url"], width)
        fill(page, "ADA@guests.test", first="Mallory", last="Other")
        page.get_by_role("button", name="Register").click()

        expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
        html = page.content()
        token = owner["join_url"].split("tk=")[1]
        assert (token in html, "/w/" in html, page.locator("a[href*='tk=']").count()) == (
            False,
            False,
            0,
        )
        deadline = time.monotonic() + 60
        while len(mail_sink.to("ada@guests.test")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        confirmation, again = mail_sink.to("ada@guests.test")
        body = parts(again.message)
        assert again.message["Subject"] == "Your link to Leak"
        assert f"  {owner['join_url']}\n" in body["text"]
        assert confirmation.message["Subject"] == "Registration confirmed: Leak"
        [person] = api("webinar/registration", id=webinar["id"])["attendees"]
        assert (person["first_name"], person["last_name"]) == ("Ada", "Guest")
