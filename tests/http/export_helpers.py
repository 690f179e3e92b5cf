"""A session that ran (through the sandbox's simulation), and the organiser's CSV exports of
it read as a script would: with the account's v2 bearer token."""

from __future__ import annotations

import csv
import io
from typing import Any

from httpx2 import Response

from podium.services import lookup, simulation
from podium.web.runtime import Runtime
from tests.http.v2_helpers import V2, webinar_body

BOM = b"\xef\xbb\xbf"
POLL = {
    "title": "Pulse",
    "questions": [{"name": "Ready?", "type": "single", "answers": ["Yes", "No"]}],
}
PLAN = {"seed": 3, "show_up_rate": 0.6, "walk_ins": 1, "rejoin_rate": 0.5, "questions": 3}
# Names a spreadsheet would take for formulas, and one that is only text.
PEOPLE = [
    ('=HYPERLINK("http://evil.test")', "Doe"),
    ("+1", "@SUM(A1)"),
    ("-2", "Minus"),
    ("Zoë", "Ünïcode 名字"),
    ("P4", "Doe"),
    ("P5", "Doe"),
]


def simulate(runtime: Runtime, webinar_id: int, plan: dict[str, Any] = PLAN) -> dict[str, Any]:
    context = runtime.context

    def work(session: Any) -> dict[str, Any]:
        webinar = lookup.find_webinar(session, webinar_id, account_id=None)
        [story] = simulation.simulate(
            session,
            webinar,
            simulation.parse_plan(plan),
            ids=context.issuer.ids,
            now=context.clock.now(),
        )
        return story

    return runtime.run(work, writes=True)


def arrange(v2: V2, runtime: Runtime) -> tuple[int, dict[str, Any]]:
    """A webinar with a poll and six registrants, one session simulated."""
    body = webinar_body(
        start_time="2026-01-20T10:00:00Z", duration=30, settings={"approval_type": 0}
    )
    webinar_id = int(v2.post("/users/me/webinars", body).json()["id"])
    v2.post(f"/webinars/{webinar_id}/polls", POLL)
    for n, (first, last) in enumerate(PEOPLE):
        person = {"email": f"p{n}@x.test", "first_name": first, "last_name": last, "city": "=1+1"}
        v2.post(f"/webinars/{webinar_id}/registrants", person)
    return webinar_id, simulate(runtime, webinar_id)


def export(v2: V2, webinar_id: int | str, kind: str, **params: str) -> Response:
    return v2.client.get(
        f"/manage/webinars/{webinar_id}/{kind}.csv",
        params=params,
        headers={"Authorization": f"Bearer {v2.token}"},
    )


def rows(response: Response) -> list[list[str]]:
    """The CSV parsed: its header first (the BOM checked and dropped)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    return list(csv.reader(io.StringIO(response.content[len(BOM) :].decode("utf-8"), newline="")))


def cell(value: str) -> str:
    """What the export writes for a value: formulas neutralised by a leading quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
