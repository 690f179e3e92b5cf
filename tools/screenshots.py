"""Screenshots of every public page, at 1280 and 390 px wide, into docs/screenshots/.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]

Runs a sandbox Podium on a loopback port with a frozen clock, plays a webinar through its
pages in Debian's Chromium (headless, through Playwright: no browser download) and saves a
PNG of each page as a person sees it: registration, confirmation, "check your e-mail",
closed, the room before and during the webinar, the host's green room, live console and
ended console with its report, the join and cancel pages, an error; a few in dark mode.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
from playwright.sync_api import Browser, Page, expect, sync_playwright

from podium.clock import FixedClock
from podium.codes import CustomQuestionType
from podium.db.models import Webinar
from podium.services import questions
from podium.settings import Settings
from podium.testing import PodiumServer, TestAccount

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WIDTHS = {"desktop": 1280, "phone": 390}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class Api:
    def __init__(self, server: PodiumServer, account: TestAccount) -> None:
        self.server, self.account = server, account

    def __call__(self, action: str, **params: Any) -> Any:
        keys = {"api_key": self.account.api_key, "api_secret": self.account.api_secret}
        data = {**keys, "host_id": self.account.host_id, **params}
        return httpx2.post(f"{self.server.base_url}/{action}", data=data).json()


def ask_questions(server: PodiumServer, webinar_id: int) -> None:
    form = questions.validated(
        [
            questions.StandardQuestion("last_name", required=True),
            questions.StandardQuestion("org", required=False),
            questions.StandardQuestion("job_title", required=False),
        ],
        [
            questions.CustomQuestion(
                "How did you hear of us?",
                CustomQuestionType.SINGLE_RADIO,
                required=True,
                answers=("A colleague", "Social media", "Newsletter"),
            ),
            questions.CustomQuestion(
                "Topics you care about",
                CustomQuestionType.MULTIPLE,
                required=False,
                answers=("Roadmap", "Pricing", "Integrations"),
            ),
        ],
    )

    def work(session: Any) -> None:
        webinar = session.query(Webinar).filter_by(id=webinar_id).one()
        questions.set_questions(session, webinar, form, now=NOW)

    server.runtime.run(work, writes=True)


class Shots:
    def __init__(self, browser: Browser, out: Path) -> None:
        self.browser, self.out = browser, out

    @contextmanager
    def page(self, width: str, *, dark: bool = False) -> Iterator[Page]:
        context = self.browser.new_context(
            viewport={"width": WIDTHS[width], "height": 900},
            device_scale_factor=1,
            locale="en-US",
            timezone_id="America/New_York",
            color_scheme="dark" if dark else "light",
        )
        try:
            yield context.new_page()
        finally:
            context.close()

    def save(self, page: Page, name: str, width: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(self.out / f"{name}-{WIDTHS[width]}.png"), full_page=True)

    def both(self, name: str, url: str, ready: Callable[[Page], None] | None = None) -> None:
        for width in WIDTHS:
            with self.page(width) as page:
                page.goto(url)
                if ready is not None:
                    ready(page)
                self.save(page, name, width)


def run(out: Path) -> None:  # noqa: PLR0915 - one story, told in order
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings.temporary()
    clock = FixedClock(NOW)
    with PodiumServer(settings, clock=clock) as server, sync_playwright() as pw:
        chromium = shutil.which("chromium")
        if chromium is None:
            raise SystemExit("install Debian's chromium")
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        shots = Shots(browser, out)
        api = Api(server, server.create_account(host_email="host@example.com"))
        webinar = api(
            "webinar/create",
            topic="Quarterly product update",
            agenda="What shipped this quarter, what comes next, and your questions.",
            approval_type=0,
            start_time="2026-03-10T16:00:00Z",
            duration=45,
            timezone="Europe/Paris",
            panelists='[{"name": "Priya Natarajan", "email": "priya@example.com"}]',
        )
        ask_questions(server, webinar["id"])
        register_url = webinar["registration_url"]
        shots.both("register", register_url)
        with shots.page("phone", dark=True) as page:
            page.goto(register_url)
            shots.save(page, "register-dark", "phone")

        # The form with errors, then a registration, then the same e-mail again.
        with shots.page("desktop") as page:
            page.goto(register_url)
            page.get_by_label("E-mail address").fill("not-an-address")
            page.locator("#register-form").evaluate("form => form.noValidate = true")
            page.get_by_role("button", name="Register").click()
            shots.save(page, "register-errors", "desktop")
        for width in WIDTHS:
            with shots.page(width) as page:
                page.goto(register_url)
                email = f"ada.{width}@example.com"
                page.get_by_label("First name").fill("Ada")
                page.get_by_label("Last name").fill("Lovelace")
                page.get_by_label("E-mail address").fill(email)
                page.get_by_label("Organisation").fill("Analytical Engines Ltd")
                page.get_by_label("A colleague").check()
                page.get_by_label("Roadmap").check()
                page.get_by_role("button", name="Register").click()
                expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
                shots.save(page, "registered", width)
        for width in WIDTHS:
            with shots.page(width) as page:
                page.goto(register_url)
                page.get_by_label("First name").fill("Mallory")
                page.get_by_label("Last name").fill("Other")
                page.get_by_label("E-mail address").fill("ada.desktop@example.com")
                page.get_by_label("A colleague").check()
                page.get_by_role("button", name="Register").click()
                expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
                shots.save(page, "check-email", width)

        pending = api(
            "webinar/create",
            topic="Partner briefing",
            approval_type=1,
            start_time="2026-03-12T14:00:00Z",
            timezone="America/New_York",
        )
        for width in WIDTHS:
            with shots.page(width) as page:
                page.goto(pending["registration_url"])
                page.get_by_label("First name").fill("Grace")
                page.get_by_label("Last name").fill("Hopper")
                page.get_by_label("E-mail address").fill(f"grace.{width}@example.com")
                page.get_by_role("button", name="Register").click()
                shots.save(page, "registered-pending", width)
        ended = api("webinar/create", topic="Last year's kickoff", approval_type=0)
        api("webinar/end", id=ended["id"])
        shots.both("closed-ended", ended["registration_url"])

        # The live webinar: a registrant's room, the host's console.
        people = [
            api(
                "webinar/register",
                id=webinar["id"],
                email=f"{name.lower()}@example.com",
                first_name=name,
                last_name="Example",
                custom_questions='[{"title": "How did you hear of us?", "value": "Newsletter"}]',
            )
            for name in ("Ben", "Chloe")
        ]
        start_url = api("webinar/get", id=webinar["id"])["start_url"]
        panelist = api("webinar/panelists", id=webinar["id"])["panelists"][0]["join_url"]
        shots.both("room-waiting", people[0]["join_url"], expect_status("Waiting"))
        with shots.page("desktop") as pan, shots.page("desktop") as host_page:
            pan.goto(panelist)
            host_page.goto(start_url)
            expect(host_page.get_by_test_id("people")).to_contain_text("Priya Natarajan")
            shots.save(host_page, "console-green-room", "desktop")
            with shots.page("phone") as phone:
                phone.goto(start_url)
                expect(phone.get_by_test_id("people")).to_contain_text("Priya Natarajan")
                shots.save(phone, "console-green-room", "phone")
            shots.save(pan, "room-panelist-green-room", "desktop")
            host_page.get_by_role("button", name="Go live").click()
            expect(host_page.get_by_role("dialog")).to_be_visible()
            shots.save(host_page, "console-go-live-early", "desktop")
            host_page.get_by_role("button", name="Go live now").click()
            expect(host_page.get_by_test_id("status")).to_have_text("Live")
            clock.advance(minutes=2)
            with shots.page("desktop") as ben, shots.page("phone") as chloe:
                ben.goto(people[0]["join_url"])
                chloe.goto(people[1]["join_url"])
                expect(ben.get_by_test_id("status")).to_have_text("Live")
                expect(host_page.get_by_test_id("present")).to_have_text("3")
                host_page.get_by_text("Create a poll").click()
                host_page.get_by_label("Poll title").fill("Pulse check")
                host_page.get_by_label("Question text").fill("How useful is this update?")
                host_page.get_by_label("Answers, one per line").fill(
                    "Very useful\nSomewhat\nNot really"
                )
                host_page.get_by_role("button", name="Create poll").click()
                host_page.get_by_role("button", name="Launch", exact=True).click()
                expect(ben.get_by_role("heading", name="Pulse check")).to_be_visible()
                ben.get_by_label("Very useful").check()
                ben.get_by_role("button", name="Submit answers").click()
                chloe.get_by_label("Somewhat").check()
                chloe.get_by_role("button", name="Submit answers").click()
                expect(ben.get_by_text("Thank you: your answers are in.")).to_be_visible()
                ben.get_by_label("Your question").fill("Will the roadmap slides be shared?")
                ben.get_by_role("button", name="Ask").click()
                chloe.get_by_label("Your question").fill("Is the new API in beta?")
                chloe.get_by_role("button", name="Ask").click()
                expect(host_page.get_by_test_id("questions")).to_contain_text("Is the new API")
                chloe.get_by_test_id("questions").locator("[data-upvote]").first.click()
                expect(ben.get_by_test_id("my-questions")).to_contain_text("1 upvote")
                host_page.get_by_role("button", name="Share results").click()
                expect(ben.locator("[data-results] .result")).to_have_count(3)
                item = host_page.locator("[data-question-id]").first
                item.get_by_label("Your answer").fill("Yes: they go out tonight.")
                item.get_by_role("button", name="Answer publicly").click()
                expect(ben.get_by_test_id("my-questions")).to_contain_text("they go out")
                shots.save(host_page, "console-live", "desktop")
                shots.save(ben, "room-live", "desktop")
                shots.save(chloe, "room-live", "phone")
                with shots.page("phone", dark=True) as dark:
                    dark.goto(people[0]["join_url"])
                    expect(dark.get_by_test_id("status")).to_have_text("Live")
                    expect(dark.get_by_test_id("my-questions")).to_contain_text("they go out")
                    shots.save(dark, "room-live-dark", "phone")
                with shots.page("phone") as phone:
                    phone.goto(start_url)
                    expect(phone.get_by_test_id("status")).to_have_text("Live")
                    expect(phone.locator("[data-results] .result")).to_have_count(3)
                    shots.save(phone, "console-live", "phone")
                clock.advance(minutes=41)
                host_page.get_by_role("button", name="End webinar").click()
                shots.save(host_page, "console-end-confirm", "desktop")
                host_page.get_by_role("dialog").get_by_role("button", name="End webinar").click()
                expect(ben.get_by_test_id("status")).to_have_text("This webinar has ended.")
        shots.both("console-ended", start_url, expect_status("This webinar has ended."))
        with shots.page("desktop") as page:
            page.goto(start_url)
            page.get_by_test_id("report-link").click()
            shots.save(page, "report", "desktop")
        with shots.page("phone") as page:
            page.goto(start_url)
            page.get_by_test_id("report-link").click()
            shots.save(page, "report", "phone")

        walk_in = api("webinar/create", topic="Open office hours", approval_type=2)
        shots.both("join", walk_in["join_url"])
        shots.both("cancel", people[1]["join_url"].replace("?tk=", "/cancel?tk="))
        shots.both("error", f"{server.root_url}/w/{webinar['id']}?tk=not-a-link")
        browser.close()


def expect_status(text: str) -> Callable[[Page], None]:
    def ready(page: Page) -> None:
        expect(page.get_by_test_id("status")).to_contain_text(text)

    return ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    run(parser.parse_args().out)


if __name__ == "__main__":
    main()
