"""The organiser's report page (/manage/webinars/{id}/report): a session with known joins,
votes and a question, read with the account's v2 bearer token; the charts (web/charts.py) as
exact SVG; who may see it."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.testclient import TestClient

from podium.services import polls
from podium.services.instances import Participant
from podium.web import charts
from podium.web.manage_exports import Exports
from podium.web.manage_reports import ReportPages
from podium.web.pages import Pages
from podium.web.runtime import Runtime
from podium.web.viewer import Viewer
from tests.http.live_helpers import (
    answer_poll,
    attendee,
    minutes,
    registrant_by_email,
    run_session,
    webinar_row,
)
from tests.http.page_helpers import Tree
from tests.http.v2_helpers import V2, webinar_body


def arrange(v2: V2, session: Session) -> tuple[int, str]:
    """Ann joins twice (the second join overlaps the first), Bob stays to the end, Cy never
    comes; two votes, one question. The session runs 13:00-13:10 UTC (14:00 in Paris)."""
    body = webinar_body(timezone="Europe/Paris", settings={"approval_type": 0})
    webinar_id = int(v2.post("/users/me/webinars", body).json()["id"])
    for first in ("Ann", "Bob", "Cy"):
        person = {"email": f"{first.lower()}@x.test", "first_name": first, "last_name": "Lee"}
        v2.post(f"/webinars/{webinar_id}/registrants", person)
    ann, bob = attendee(session, "ann@x.test"), attendee(session, "bob@x.test")
    joins: list[tuple[Participant, float, float | None]] = [
        (ann, 61, 65),
        (ann, 64, 68),
        (bob, 62.5, None),
    ]
    instance = run_session(session, webinar_id, start=60, end=70, joins=joins)
    votes = {"Mood?": ["Good"], "Topics?": ["A", "C"]}
    answer_poll(
        session, webinar_id, instance, [(ann, votes), (bob, {"Mood?": ["Bad"], "Topics?": ["A"]})]
    )
    polls.ask(session, instance, bob, "Slides <later>?", now=minutes(66))
    session.commit()
    return webinar_id, instance.uuid


def bearer(v2: V2) -> dict[str, str]:
    return {"Authorization": f"Bearer {v2.token}"}


def table_rows(tree: Tree, caption_id: str) -> list[list[str]]:
    [table] = [
        n for n in tree.tags("table") if any(c.attrs.get("id") == caption_id for c in n.children)
    ]
    body = next(child for child in table.children if child.tag == "tbody")
    return [[cell.content() for cell in row.children] for row in body.children]


def test_the_report_tells_the_session(v2: V2, session: Session) -> None:
    webinar_id, uuid = arrange(v2, session)
    response = v2.client.get(f"/manage/webinars/{webinar_id}/report", headers=bearer(v2))

    tree = Tree(response.text)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert tree.text(id="topic") == "Launch"
    assert tree.text(id="session-title") == "Session of Jan 15, 2026, 2:00:00 PM"
    assert [n.content() for n in tree.tags("dd")] == ["2", "15", "1"]
    assert table_rows(tree, "attendance-table") == [
        [f"2:0{m} PM", str(n)] for m, n in enumerate([0, 1, 2, 2, 2, 2, 2, 2, 1, 1])
    ]
    assert tree.text(id="attendance-chart-desc") == (
        "10 minutes from 2:00 PM; at most 2 people present at once."
    )
    assert table_rows(tree, "registrations-table") == [["Jan 15, 2026", "3"]]
    assert table_rows(tree, "poll-0-0-table") == [["Good", "1", "50"], ["Bad", "1", "50"]]
    assert table_rows(tree, "poll-0-1-table") == [
        ["A", "2", "100"],
        ["B", "0", "0"],
        ["C", "1", "50"],
    ]
    counts = [n.content() for n in tree.find(**{"text-anchor": "end"}) if "%" in n.content()]
    assert counts == ["1 (50%)", "1 (50%)", "2 (100%)", "0 (0%)", "1 (50%)"]
    assert [n.content() for n in tree.find(**{"class": "qa-item__question"})] == ["Slides <later>?"]
    assert "Slides &lt;later&gt;?" in response.text
    assert table_rows(tree, "attendees-caption") == [
        ["Ann Lee", "ann@x.test", "2:01 PM", "2:05 PM", "4"],
        ["Bob Lee", "bob@x.test", "2:02 PM", "2:10 PM", "7"],
        ["Ann Lee", "ann@x.test", "2:04 PM", "2:08 PM", "4"],
    ]
    assert table_rows(tree, "absentees-caption") == [["Cy Lee", "cy@x.test"]]
    query = "?uuid=" + quote(uuid, safe="")
    assert [n.attrs["href"] for n in tree.find(download="")] == [
        f"/manage/webinars/{webinar_id}/{kind}.csv{query}"
        for kind in ("registrants", "attendees", "absentees", "polls", "questions")
    ]
    [chart] = tree.find(id="attendance-chart")
    assert (chart.tag, chart.attrs["role"]) == ("svg", "img")
    assert " style=" not in response.text
    assert "<script" not in response.text


def test_no_viewer_is_sent_to_sign_in(v2: V2, session: Session) -> None:
    webinar_id, uuid = arrange(v2, session)
    path = f"/manage/webinars/{webinar_id}/report"
    response = v2.client.get(path, params={"uuid": uuid}, follow_redirects=False)

    assert response.status_code == 303
    target = quote(f"{path}?uuid={quote(uuid, safe='')}")
    assert response.headers["location"] == f"/manage/login?next={target}"


def test_others_webinars_and_unknown_ids_are_the_same_page_not_found(
    v2: V2, other_v2: V2, session: Session
) -> None:
    webinar_id, _ = arrange(v2, session)
    theirs = other_v2.client.get(f"/manage/webinars/{webinar_id}/report", headers=bearer(other_v2))
    nobody = other_v2.client.get("/manage/webinars/98765432101/report", headers=bearer(other_v2))
    no_session = v2.client.get(
        f"/manage/webinars/{webinar_id}/report", params={"uuid": "nope"}, headers=bearer(v2)
    )
    unrouted = v2.client.get("/manage/nothing-here", headers=bearer(v2))

    assert theirs.status_code == nobody.status_code == no_session.status_code == 404
    assert theirs.text == nobody.text == no_session.text == unrouted.text
    assert Tree(theirs.text).tags("h1")[0].content() == "Page not found"


def test_a_host_sees_their_own_webinars_only(v2: V2, session: Session, runtime: Runtime) -> None:
    webinar_id, _ = arrange(v2, session)
    host_user_id = webinar_row(session, webinar_id).host_user_id
    account_id = webinar_row(session, webinar_id).account_id

    async def find_viewer(request: Request) -> Viewer:
        user_id = int(request.headers["x-user"])
        return Viewer(account_id, user_id, False)

    routes = ReportPages(Pages(runtime), find_viewer).routes()
    client = TestClient(Starlette(routes=routes + Exports(runtime, find_viewer).routes()))
    path = f"/manage/webinars/{webinar_id}/report"
    csv_path = f"/manage/webinars/{webinar_id}/attendees.csv"
    host, stranger = {"x-user": str(host_user_id)}, {"x-user": str(host_user_id + 1000)}

    assert client.get(path, headers=host).status_code == 200
    assert client.get(csv_path, headers=host).status_code == 200
    other = client.get(path, headers=stranger)
    assert other.status_code == 404
    assert Tree(other.text).tags("h1")[0].content() == "Page not found"
    other_csv = client.get(csv_path, headers=stranger)
    assert (other_csv.status_code, other_csv.text) == (404, "There is no webinar at this address.")


def test_an_open_join_counts_to_the_end_in_the_csv_as_on_the_page(v2: V2, session: Session) -> None:
    webinar_id, _ = arrange(v2, session)
    response = v2.client.get(f"/manage/webinars/{webinar_id}/attendees.csv", headers=bearer(v2))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "first_name,last_name,email,join_time,leave_time,time_in_session,registrant_id",
        f"Ann,Lee,ann@x.test,2026-01-15T13:01:00Z,2026-01-15T13:05:00Z,4,{registrant(session, 'ann')}",
        f"Bob,Lee,bob@x.test,2026-01-15T13:02:30Z,2026-01-15T13:10:00Z,7,{registrant(session, 'bob')}",
        f"Ann,Lee,ann@x.test,2026-01-15T13:04:00Z,2026-01-15T13:08:00Z,4,{registrant(session, 'ann')}",
    ]


def registrant(session: Session, name: str) -> str:
    return registrant_by_email(session, f"{name}@x.test").registrant_id


def test_line_chart_svg() -> None:
    svg = charts.line_chart("c", "People <now>", "A & B", ["1:00", "1:01", "1:02"], [0, 2, 1])
    assert svg == (
        '<svg class="chart" viewBox="0 0 640 240" role="img" aria-labelledby="c-title c-desc" '
        'id="c"><title id="c-title">People &lt;now&gt;</title><desc id="c-desc">A &amp; B</desc>'
        '<g class="chart__axis"><line x1="48" y1="208" x2="624" y2="208"/>'
        '<line x1="48" y1="16" x2="48" y2="208"/></g><g class="chart__label">'
        '<text x="42" y="20" text-anchor="end">2</text>'
        '<text x="42" y="208" text-anchor="end">0</text><text x="48" y="230">1:00</text>'
        '<text x="624" y="230" text-anchor="end">1:02</text></g>'
        '<polygon class="chart__area" points="48,208 48,208 336,16 624,112 624,208"/>'
        '<polyline class="chart__line" points="48,208 336,16 624,112"/></svg>'
    )


def test_column_chart_svg() -> None:
    svg = charts.column_chart("d", "Per day", "3 in all", [("Mon", 1), ("Tue", 2)])
    assert svg == (
        '<svg class="chart" viewBox="0 0 640 240" role="img" aria-labelledby="d-title d-desc" '
        'id="d"><title id="d-title">Per day</title><desc id="d-desc">3 in all</desc>'
        '<g class="chart__axis"><line x1="48" y1="208" x2="624" y2="208"/>'
        '<line x1="48" y1="16" x2="48" y2="208"/></g><g class="chart__label">'
        '<text x="42" y="20" text-anchor="end">2</text>'
        '<text x="42" y="208" text-anchor="end">0</text><text x="48" y="230">Mon</text>'
        '<text x="624" y="230" text-anchor="end">Tue</text></g>'
        '<rect class="chart__bar" x="172" y="112" width="40" height="96">'
        "<title>Mon: 1</title></rect>"
        '<rect class="chart__bar" x="460" y="16" width="40" height="192">'
        "<title>Tue: 2</title></rect></svg>"
    )


def test_bar_chart_svg() -> None:
    svg = charts.bar_chart("p", "Ready?", "3 answered", [("Yes", 2), ("<No>", 1)], 3)
    assert svg == (
        '<svg class="chart" viewBox="0 0 640 96" role="img" aria-labelledby="p-title p-desc" '
        'id="p"><title id="p-title">Ready?</title><desc id="p-desc">3 answered</desc>'
        '<text class="chart__label" x="16" y="26">Yes</text>'
        '<text class="chart__label" x="624" y="26" text-anchor="end">2 (67%)</text>'
        '<rect class="chart__track" x="16" y="32" width="608" height="10"/>'
        '<rect class="chart__bar" x="16" y="32" width="405.3" height="10"/>'
        '<text class="chart__label" x="16" y="62">&lt;No&gt;</text>'
        '<text class="chart__label" x="624" y="62" text-anchor="end">1 (33%)</text>'
        '<rect class="chart__track" x="16" y="68" width="608" height="10"/>'
        '<rect class="chart__bar" x="16" y="68" width="202.7" height="10"/></svg>'
    )
    assert charts.percent(0, 0) == 0


def test_the_report_speaks_the_readers_language(v2: V2, session: Session) -> None:
    webinar_id, _ = arrange(v2, session)
    headers = {**bearer(v2), "Accept-Language": "fr-FR,fr;q=0.9"}
    response = v2.client.get(f"/manage/webinars/{webinar_id}/report", headers=headers)

    tree = Tree(response.text)
    assert tree.text(id="attendance-title") == "Présence au fil du temps"
    assert tree.text(id="attendance-chart-title") == "Personnes présentes par minute"
    assert tree.text(id="attendance-chart-desc") == (
        "10 minutes à partir de 14:00 ; au plus 2 personnes présentes en même temps."
    )
    assert tree.text(id="poll-0-0-desc") == "2 ont répondu"
    assert '<th scope="col">Part (%)</th>' in response.text
