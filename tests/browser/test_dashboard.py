"""The organiser's story in headless Chromium: the owner's password is set with the CLI, they
sign in with the keyboard, create a recurring webinar that needs approval, registrations
arrive through the API, they approve two in bulk, and look at every dashboard page — axe-core
finds no serious or critical violation on any of them, at 1280 px and at 390 px; each main
page is kept as a screenshot in docs/screenshots/dashboard-*.png (with PODIUM_SCREENSHOTS=docs/screenshots)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from podium.testing import PodiumServer, TestAccount
from tests.browser.conftest import Api, Visit, axe_violations, dumps
from tests.browser.test_live_webinar import confirm

pytestmark = pytest.mark.browser

# PODIUM_SCREENSHOTS=docs/screenshots refreshes the kept screenshots; a plain run writes none
SHOTS = os.environ.get("PODIUM_SCREENSHOTS", "")
PASSWORD = "a long story password"
Found = dict[str, object]  # axe's findings per page and width


def set_password(database_url: str, account: TestAccount) -> None:
    """What the server's administrator does: `podium user password`, the password on stdin."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "podium",
            "user",
            "password",
            "--email",
            "host@e2e.test",
            "--account-id",
            str(account.account_id),
            "--database-url",
            database_url,
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr.strip()) == (0, "The password of host@e2e.test is set.")


def checked(page: Page, name: str, found: Found, *, shot: bool = True) -> None:
    """axe at 1280 px and at 390 px (and a screenshot of each, for the main pages)."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        found[f"{name} {width}"] = axe_violations(page)
        if shot and SHOTS:
            path = Path(SHOTS) / f"dashboard-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in_by_keyboard(page: Page, found: Found) -> None:
    expect(page.locator("h1")).to_have_text("Sign in to the dashboard")
    checked(page, "login", found)
    page.get_by_label("Email").focus()  # the keyboard only, from here to the list
    page.keyboard.type("host@e2e.test")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Webinars")
    checked(page, "webinars-empty", found, shot=False)


def create_recurring_webinar(page: Page, found: Found) -> int:
    page.get_by_role("link", name="New webinar").click()
    expect(page.locator("h1")).to_have_text("New webinar")
    checked(page, "webinar-new", found)
    page.get_by_label("Topic").fill("Weekly office hours")
    page.get_by_role("radio", name="Recurring, fixed time").check()
    page.get_by_label("Starts (date and time)").fill("2099-01-05T17:00")
    page.get_by_label("Time zone", exact=True).select_option("Europe/Paris")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Repeats").select_option("2")
    page.get_by_label("Monday").check()
    page.get_by_label("Thursday").check()
    page.get_by_label("Occurrences", exact=True).fill("4")
    page.get_by_label("Registration", exact=True).select_option("1")
    page.get_by_role("button", name="Create the webinar").click()

    expect(page.locator(".alert--success")).to_have_text("The webinar is created.")
    expect(page.locator("#recurrence-summary")).to_have_text(
        "Every week on Monday, Thursday; occurrences: 4"
    )
    expect(page.locator(".occurrences li")).to_have_count(4)
    expect(page.locator(".occurrences li").first).to_contain_text("2099-01-05 17:00 (Europe/Paris)")
    checked(page, "webinar", found)
    return int(page.url.split("/manage/webinars/")[1].split("?")[0])


def ask_a_custom_question(page: Page, found: Found) -> None:
    page.get_by_role("link", name="Registration questions").click()
    page.get_by_label("Title", exact=True).first.fill("Your team")
    page.get_by_label("Kind of answer").first.select_option("single_dropdown")
    page.get_by_label("Required", exact=True).first.check()
    page.get_by_label("Choices, one per line").first.fill("Sales\nSupport")
    page.get_by_role("button", name="Save the questions").click()
    expect(page.locator(".alert--success")).to_have_text("Your changes are saved.")
    checked(page, "questions", found)
    page.get_by_role("link", name="Weekly office hours").click()


def approve_two_in_bulk(page: Page, found: Found) -> None:
    page.get_by_role("link", name="Manage registrants").click()
    expect(page.locator("#needs-approval")).to_have_text("3 need approval")
    checked(page, "registrants", found)
    page.get_by_label("Choose Ann Guest").check()
    page.get_by_label("Choose Cleo Guest").check()
    page.get_by_role("button", name="Approve the ticked").click()
    expect(page.locator(".alert--success")).to_have_text("The registrants are approved.")
    expect(page.locator("#needs-approval")).to_have_text("1 need approval")
    expect(page.locator("#registrants tbody tr td:nth-child(5)")).to_have_text(
        ["approved", "pending", "approved"]
    )
    checked(page, "registrants-approved", found, shot=False)


def watch_the_session(page: Page, found: Found, host: Page, visit: Visit, join_url: str) -> None:
    """The live view, as the host goes live and Ann joins, asks, and leaves."""
    expect(page.locator("#live-status")).to_contain_text("Not running now.")
    confirm(host, "Go live", "Go live before the scheduled time?", "Go live now")
    expect(page.locator("#live-status")).to_contain_text("Live since")  # reloaded on "started"
    ann = visit(join_url, 390)
    expect(page.locator("#present li")).to_have_text([re.compile("^Ann Guest \\(attendee")])
    expect(page.locator("#present-count")).to_have_text("1")
    ann.get_by_label("Your question").fill("Is it recorded?")
    ann.get_by_role("button", name="Ask").click()
    expect(page.locator("#questions li")).to_have_text([re.compile("Ann Guest.*Is it recorded\\?")])
    checked(page, "live", found)
    ann.close()
    expect(page.locator("#present li")).to_have_count(0)
    expect(page.locator("#activity li").first).to_contain_text("Ann Guest left")


def csv_rows(page: Page, url: str) -> list[list[str]]:
    """A CSV export fetched with the page's own cookies (the signed-in owner), parsed."""
    answer = page.request.get(url)
    assert answer.status == 200, answer.text()
    body = answer.body()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_the_report(
    page: Page, found: Found, api: Api, server: PodiumServer, webinar_id: int
) -> None:
    """After the end: the report and its charts, and CSVs equal to what the API reports."""
    base = f"{server.root_url}/manage/webinars/{webinar_id}"
    page.goto(f"{base}/report")
    expect(page.get_by_role("img", name="People present per minute")).to_be_visible()
    expect(page.get_by_role("img", name="Registrations per day")).to_be_visible()
    checked(page, "report", found, shot=False)

    [session] = api("webinar/uuid/list", id=webinar_id)["webinars"]
    listed = api("webinar/attendees/list", id=webinar_id, uuid=session["uuid"])["attendees"]
    came = [a for a in listed if a["attended"] == "Yes"]
    header, *joins = csv_rows(page, f"{base}/attendees.csv")
    assert header[:6] == [
        "first_name",
        "last_name",
        "email",
        "join_time",
        "leave_time",
        "time_in_session",
    ]
    assert [line[:6] for line in joins] == [
        [
            a["first_name"],
            a["last_name"],
            a["email"],
            a["join_time"],
            a["leave_time"],
            str(a["time_in_session"]),
        ]
        for a in came
    ]
    assert [line[2] for line in joins] == ["ann@guests.test"]
    asked = api("webinar/questions", id=webinar_id, uuid=session["uuid"])
    header, *questions = csv_rows(page, f"{base}/questions.csv")
    reported = [
        detail["question"] for person in asked["questions"] for detail in person["question_details"]
    ]
    assert [line[header.index("question")] for line in questions] == reported
    assert reported == ["Is it recorded?"]


def test_the_owner_runs_a_recurring_webinar_from_the_dashboard(
    visit: Visit,
    api: Api,
    server: PodiumServer,
    server_database_url: str,
    fresh_account: TestAccount,
) -> None:
    set_password(server_database_url, fresh_account)
    found: Found = {}
    page = visit(f"{server.root_url}/manage")
    sign_in_by_keyboard(page, found)
    webinar_id = create_recurring_webinar(page, found)
    ask_a_custom_question(page, found)

    team = dumps([{"title": "Your team", "value": "Sales"}])
    refused = api.register(webinar_id, "Zed")  # the custom question is required
    assert refused["error"]["code"] == 300
    people = {  # registrations arrive through the API
        name: api.register(webinar_id, name, custom_questions=team)
        for name in ("Ann", "Bob", "Cleo")
    }
    assert {p["id"] for p in people.values()} == {webinar_id}
    approve_two_in_bulk(page, found)

    page.goto(f"{server.root_url}/manage/webinars/{webinar_id}/live")  # the session runs
    host = visit(api("webinar/get", id=webinar_id)["start_url"])
    watch_the_session(page, found, host, visit, people["Ann"]["join_url"])

    confirm(host, "End webinar", "End the webinar for everyone?", "End webinar")
    expect(page.locator("#live-status")).to_contain_text("Not running now.")  # reloaded
    read_the_report(page, found, api, server, webinar_id)

    for name, path in (
        ("webinar-edit", f"/manage/webinars/{webinar_id}/edit"),
        ("account", "/manage/account"),
        ("users", "/manage/account/users"),
        ("outbox", "/manage/account/outbox"),
        ("webhooks", "/manage/account/webhooks"),
        ("webinars", "/manage/webinars"),
    ):
        page.goto(server.root_url + path)
        checked(page, name, found)
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator(".badge--attention")).to_have_text("1 need approval")

    assert found == {name: [] for name in found}
    assert len(found) == 30  # 15 pages and states, at two widths
