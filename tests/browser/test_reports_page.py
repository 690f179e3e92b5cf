"""The organiser's report page in headless Chromium, opened as a script would (the account's
v2 bearer token in every request's headers): a simulated session's charts and tables show,
the details open to the figures, axe-core finds no serious or critical violation (and the
page no CSP refusal: the `visit` fixture watches), at 1280 px and 390 px. The 1280 px page
is kept as docs/screenshots/dashboard-report.png."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import expect

from podium.services import lookup, simulation
from podium.web.server import PodiumServer, TestAccount
from tests.browser.conftest import Visit, axe_violations

pytestmark = pytest.mark.browser
# PODIUM_SCREENSHOTS=docs/screenshots refreshes the kept screenshot; a plain run writes none
SHOTS = os.environ.get("PODIUM_SCREENSHOTS", "")
POLL = {
    "title": "Pulse",
    "questions": [
        {"name": "How was it?", "type": "single", "answers": ["Great", "Fine", "Poor"]},
        {"name": "Topics for next time?", "type": "multiple", "answers": ["API", "UI", "Ops"]},
    ],
}
PLAN = {"seed": 7, "show_up_rate": 0.7, "walk_ins": 2, "rejoin_rate": 0.3, "questions": 4}


def ran_session(server: PodiumServer, account: TestAccount, token: str) -> int:
    """A webinar with a poll and 24 registrants, one session simulated on the server."""
    bearer = {"Authorization": f"Bearer {token}"}
    body = {
        "topic": "Quarterly product update",
        "start_time": "2027-01-20T10:00:00Z",
        "duration": 45,
        "timezone": "Europe/Paris",
        "settings": {"approval_type": 0},
    }
    webinar_id = int(
        httpx2.post(f"{server.v2_url}/users/me/webinars", json=body, headers=bearer).json()["id"]
    )
    httpx2.post(f"{server.v2_url}/webinars/{webinar_id}/polls", json=POLL, headers=bearer)
    for n in range(24):
        person = {"email": f"guest{n}@e2e.test", "first_name": f"Guest{n}", "last_name": "Doe"}
        httpx2.post(
            f"{server.v2_url}/webinars/{webinar_id}/registrants", json=person, headers=bearer
        )
    runtime = server.runtime

    def work(session: Any) -> None:
        webinar = lookup.find_webinar(session, webinar_id, account_id=account.account_id)
        simulation.simulate(
            session,
            webinar,
            simulation.parse_plan(PLAN),
            ids=runtime.context.issuer.ids,
            now=runtime.context.clock.now(),
        )

    runtime.run(work, writes=True)
    return webinar_id


def test_the_report_page_is_accessible_and_shows_its_charts(
    visit: Visit, server: PodiumServer, fresh_account: TestAccount
) -> None:
    token = server.token(fresh_account)
    webinar_id = ran_session(server, fresh_account, token)
    url = f"{server.root_url}/manage/webinars/{webinar_id}/report"
    headers = {"Authorization": f"Bearer {token}"}

    found = {}
    for width in (1280, 390):
        page = visit(url, width, extra_http_headers=headers)
        expect(page.locator("h1")).to_have_text("Quarterly product update")
        expect(page.get_by_role("img", name="People present per minute")).to_be_visible()
        expect(page.get_by_role("img", name="How was it?")).to_be_visible()
        expect(page.get_by_role("img", name="Registrations per day")).to_be_visible()
        if width == 1280 and SHOTS:
            page.screenshot(path=str(Path(SHOTS) / "dashboard-report.png"), full_page=True)
        details = page.locator("details.chart-data").first
        details.locator("summary").click()
        expect(details.get_by_role("table")).to_be_visible()
        found[width] = axe_violations(page)

    assert found == {1280: [], 390: []}
