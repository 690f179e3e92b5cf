"""The whole story in Chromium: host starts, two attendees join through personal links, one
asks a question, the host launches a poll, both answer, one leaves, the host ends — then the
four report operations tell exactly that story."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, Page, expect

from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.browser


class Api:
    def __init__(self, server: PodiumServer, account: TestAccount) -> None:
        self.server, self.account = server, account

    def __call__(self, action: str, **params: Any) -> Any:
        response = httpx2.post(
            f"{self.server.base_url}/{action}",
            data={
                "api_key": self.account.api_key,
                "api_secret": self.account.api_secret,
                "host_id": self.account.host_id,
                **params,
            },
        )
        return response.json()


def open_page(browser: Browser, url: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(url)
    return page


def test_a_webinar_runs_and_its_reports_tell_the_story(
    browser: Browser, server: PodiumServer, fresh_account: TestAccount
) -> None:
    api = Api(server, fresh_account)
    webinar = api(
        "webinar/create", topic="Live launch", approval_type=0, start_time="2099-01-01T10:00:00Z"
    )
    people = [
        api(
            "webinar/register",
            id=webinar["id"],
            email=f"{who.lower()}@guests.test",
            first_name=who,
            last_name="Guest",
            city="Paris" if who == "Ann" else "",
            custom_questions='[{"title": "Team", "value": "Blue"}]',
        )
        for who in ("Ann", "Ben", "Cat")
    ]
    before = api("webinar/attendees/list", id=webinar["id"])

    ann = open_page(browser, people[0]["join_url"])
    expect(ann.get_by_test_id("status")).to_have_text("Waiting for the host to start.")
    host = open_page(browser, webinar["start_url"])
    expect(host.get_by_test_id("status")).to_have_text("Live")
    expect(ann.get_by_test_id("status")).to_have_text("Live")
    ben = open_page(browser, people[1]["join_url"])
    expect(ben.get_by_test_id("status")).to_have_text("Live")
    expect(host.get_by_test_id("present")).to_have_text("2")

    ann.get_by_label("Your question").fill("Will slides be shared?")
    ann.get_by_role("button", name="Ask").click()
    expect(host.locator("#questions li")).to_contain_text("Ann Guest: Will slides be shared?")
    host.get_by_label("Answer", exact=True).fill("Yes, tonight.")
    host.get_by_role("button", name="Reply").click()
    expect(ann.locator("#answers")).to_contain_text("Will slides be shared? — Yes, tonight.")

    host.get_by_label("Poll title").fill("Pulse")
    host.get_by_label("Question", exact=True).fill("How is it going?")
    host.get_by_label("Answers, one per line").fill("Great\nFine\nMeh")
    host.get_by_role("button", name="Add poll").click()
    host.get_by_role("button", name="Launch").click()
    ann.get_by_label("Great").check()
    ann.get_by_role("button", name="Answer", exact=True).click()
    ben.get_by_label("Fine").check()
    ben.get_by_role("button", name="Answer", exact=True).click()
    expect(ann.locator("#poll-done")).to_be_visible()
    expect(host.locator("pre.results")).to_have_text("How is it going? Great: 1, Fine: 1, Meh: 0")

    ben.get_by_role("button", name="Leave").click()
    expect(host.get_by_test_id("present")).to_have_text("1")
    host.get_by_role("button", name="End webinar").click()
    expect(ann.get_by_test_id("status")).to_have_text("This webinar has ended.")
    expect(host.get_by_test_id("status")).to_have_text("This webinar has ended.")

    sessions = api("webinar/uuid/list", id=webinar["id"])
    attendees = api("webinar/attendees/list", id=webinar["id"])
    poll_report = api("webinar/polls", id=webinar["id"])
    questions = api("webinar/questions", id=webinar["id"])
    got = api("webinar/get", id=webinar["id"])

    assert before == {"error": {"code": 3001, "message": "Webinar ID is invalid or not end."}}
    [run] = sessions["webinars"]
    assert got["status"] == 2
    rows = attendees["attendees"]
    assert [(r["first_name"], r["attended"]) for r in rows] == [
        ("Ann", "Yes"),
        ("Ben", "Yes"),
        ("Cat", "No"),
    ]
    assert all(r["join_time"] and r["leave_time"] and r["time_in_session"] == "0" for r in rows[:2])
    assert rows[0]["custom_questions"] == {"Team": "Blue"}
    assert rows[0]["questions"] == {"city": "Paris"}
    assert rows[2] == {
        "first_name": "Cat",
        "last_name": "Guest",
        "email": "cat@guests.test",
        "join_time": "",
        "leave_time": "",
        "time_in_session": "0",
        "attended": "No",
        "custom_questions": {"Team": "Blue"},
        "questions": {},
    }
    assert poll_report == {
        "id": webinar["id"],
        "uuid": run["uuid"],
        "start_time": run["start_time"],
        "questions": [
            {
                "name": "Ann Guest",
                "email": "ann@guests.test",
                "question_details": [{"question": "How is it going?", "answer": "Great"}],
            },
            {
                "name": "Ben Guest",
                "email": "ben@guests.test",
                "question_details": [{"question": "How is it going?", "answer": "Fine"}],
            },
        ],
    }
    assert questions == {
        "id": webinar["id"],
        "uuid": run["uuid"],
        "start_time": run["start_time"],
        "questions": [
            {
                "name": "Ann Guest",
                "email": "ann@guests.test",
                "question_details": [
                    {"question": "Will slides be shared?", "answer": "Yes, tonight."}
                ],
            },
        ],
    }
