"""axe-core (npm `axe-core`, injected by Playwright) finds no serious or critical violation on
any public page, in each of its states, at 1280 px in light mode and at 390 px in dark mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Api, Visit, axe_violations
from tests.browser.test_live_webinar import confirm

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("width", "scheme"), [(1280, "light"), (390, "dark")], ids=["1280px-light", "390px-dark"]
)
def test_no_serious_or_critical_violation_on_any_public_page(
    width: int, scheme: str, visit: Visit, api: Api
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str, url: str, then: Callable[[Page], None] | None = None) -> Page:
        page = visit(url, width, color_scheme=scheme)
        if then is not None:
            then(page)
        found[name] = axe_violations(page)
        return page

    webinar = api(
        "webinar/create",
        topic="Accessible",
        approval_type=0,
        start_time="2099-01-01T10:00:00Z",
        panelists='[{"name": "Pat", "email": "pat@a11y.test"}]',
    )
    webinar_id = webinar["id"]
    pending = api(
        "webinar/create", topic="Pending", approval_type=1, start_time="2099-01-01T10:00:00Z"
    )
    ann = api.register(webinar_id, "Ann")
    start_url = api("webinar/get", id=webinar_id)["start_url"]
    panelist = api("webinar/panelists", id=webinar_id)["panelists"][0]["join_url"]

    form = check("register", webinar["registration_url"])
    form.get_by_label("E-mail address").fill("no-at-sign")
    form.locator("#register-form").evaluate("form => { form.noValidate = true; }")
    form.get_by_role("button", name="Register").click()
    expect(form.locator("#form-errors")).to_be_visible()
    found["register with errors"] = axe_violations(form)
    for name, email, url in (
        ("registered", "new@a11y.test", webinar["registration_url"]),
        ("check e-mail", "ann@guests.test", webinar["registration_url"]),
        ("pending", "new@a11y.test", pending["registration_url"]),
    ):
        page = visit(url, width, color_scheme=scheme)
        page.get_by_label("First name").fill("Alex")
        page.get_by_label("Last name").fill("Doe")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_role("button", name="Register").click()
        expect(page.locator("h1")).not_to_have_text("Accessible")
        found[name] = axe_violations(page)

    host = live_pages(check, found, start_url, panelist, ann["join_url"])
    confirm(host, "End webinar", "End the webinar for everyone?", "End webinar")
    check("console, ended", start_url, expect_text("This webinar has ended."))
    check("report", start_url.replace("?zak=", "/report?zak="))
    walk_in = api("webinar/create", topic="Walk in", approval_type=2)
    check("join", walk_in["join_url"])
    check("closed", f"{api.server.root_url}/webinar/register/{walk_in['id']}")
    check("cancel", ann["join_url"].replace("?tk=", "/cancel?tk="))
    check("refused", ann["join_url"] + "x")
    check("not found", api.server.root_url + "/nowhere")
    check("front page", api.server.root_url + "/")

    assert found == {name: [] for name in found}
    assert len(found) == 19


def live_pages(
    check: Callable[..., Page],
    found: dict[str, list[dict[str, Any]]],
    start_url: str,
    panelist: str,
    room_url: str,
) -> Page:
    """The console and rooms before and while live, a poll and a question in them; the host's
    page, still live."""
    host = check("console, green room", start_url, expect_text("Green room: not live yet"))
    check("room, panelist", panelist, expect_text("Waiting for the host to start."))
    room = check("room, waiting", room_url, expect_text("Waiting for the host to start."))
    confirm(host, "Go live", "Go live before the scheduled time?", "Cancel")
    host.get_by_role("button", name="Go live", exact=True).click()
    found["console, confirmation"] = axe_violations(host)
    host.get_by_role("button", name="Go live now").click()
    host.get_by_text("Create a poll").click()
    host.get_by_label("Poll title").fill("Pulse")
    host.get_by_label("Question text").fill("Fine?")
    host.get_by_label("Answers, one per line").fill("Yes\nNo")
    host.get_by_role("button", name="Create poll").click()
    host.get_by_role("button", name="Launch", exact=True).click()
    room.get_by_label("Yes").check()
    room.get_by_role("button", name="Submit answers").click()
    room.get_by_label("Your question").fill("Slides?")
    room.get_by_role("button", name="Ask").click()
    host.get_by_role("button", name="Share results").click()
    expect(room.locator("[data-results] .result")).to_have_count(2)
    expect(host.get_by_test_id("questions")).to_contain_text("Slides?")
    found["room, live"] = axe_violations(room)
    found["console, live"] = axe_violations(host)
    return host


def expect_text(text: str) -> Callable[[Page], None]:
    def ready(page: Page) -> None:
        expect(page.get_by_test_id("status")).to_have_text(text)

    return ready
