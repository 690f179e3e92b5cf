"""v2 after the session (/past_webinars, /report/webinars) over a simulated run: exactly the
story the simulation tells, and the same data v1's reports give for the same session."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.testclient import TestClient

from podium.services import lookup, simulation
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.http.v2_helpers import V2, error, webinar_body

POLL = {"title": "Pulse", "questions": [{"name": "Ready?", "answers": ["Yes", "No"]}]}
PLAN = {"seed": 3, "show_up_rate": 0.6, "walk_ins": 1, "rejoin_rate": 0.5, "questions": 3}


def simulate(runtime: Runtime, webinar_id: int) -> dict[str, Any]:
    context = runtime.context

    def work(session: Any) -> dict[str, Any]:
        webinar = lookup.find_webinar(session, webinar_id, account_id=None)
        plan = simulation.parse_plan(PLAN)
        [story] = simulation.simulate(
            session, webinar, plan, ids=context.issuer.ids, now=context.clock.now()
        )
        return story

    return runtime.run(work, writes=True)


def arrange(v2: V2, runtime: Runtime) -> tuple[int, dict[str, Any]]:
    body = webinar_body(
        start_time="2026-01-20T10:00:00Z", duration=30, settings={"approval_type": 0}
    )
    webinar_id = v2.post("/users/me/webinars", body).json()["id"]
    v2.post(f"/webinars/{webinar_id}/polls", POLL)
    for n in range(5):
        person = {"email": f"p{n}@x.test", "first_name": f"P{n}", "last_name": "Doe"}
        v2.post(f"/webinars/{webinar_id}/registrants", person)
    return webinar_id, simulate(runtime, webinar_id)


def all_pages(v2: V2, path: str, key: str) -> list[dict[str, Any]]:
    items, token = [], ""
    while True:
        page = v2.get(path, page_size=2, **({"next_page_token": token} if token else {})).json()
        items += page[key]
        token = page["next_page_token"]
        if not token:
            return items


def test_past_webinar_endpoints_tell_the_simulated_story(v2: V2, runtime: Runtime) -> None:
    webinar_id, story = arrange(v2, runtime)
    uuid = quote(quote(story["uuid"], safe=""), safe="")

    instances = v2.get(f"/past_webinars/{webinar_id}/instances").json()
    participants = all_pages(v2, f"/past_webinars/{uuid}/participants", "participants")
    absentees = all_pages(v2, f"/past_webinars/{webinar_id}/absentees", "registrants")
    polls = v2.get(f"/past_webinars/{webinar_id}/polls").json()
    qa = v2.get(f"/past_webinars/{webinar_id}/qa").json()

    assert instances == {
        "webinars": [{"uuid": story["uuid"], "start_time": "2026-01-20T10:00:00Z"}]
    }
    joins = sorted(
        (j["join_time"], a["email"], j["leave_time"], a["registrant_id"] or "")
        for a in story["attendees"]
        for j in a["joins"]
    )
    assert [
        (p["join_time"], p["user_email"], p["leave_time"], p["registrant_id"]) for p in participants
    ] == joins
    assert [r["id"] for r in absentees] == story["absent_registrant_ids"]
    answered = {a["email"]: a["answers"]["Ready?"][0] for a in story["poll_answers"]}
    assert {q["email"]: q["question_details"][0]["answer"] for q in polls["questions"]} == answered
    asked = [(q["email"], q["question"], q["answer"]) for q in story["questions"]]
    assert sorted(
        (q["email"], d["question"], d["answer"])
        for q in qa["questions"]
        for d in q["question_details"]
    ) == sorted(asked)
    assert (polls["uuid"], qa["uuid"], qa["id"]) == (story["uuid"], story["uuid"], webinar_id)


def test_reports_equal_what_v1_reports_for_the_same_session(
    v2: V2, client: TestClient, account: AccountKeys, runtime: Runtime
) -> None:
    webinar_id, story = arrange(v2, runtime)
    v1_params = account.host_params(id=webinar_id)

    detail = v2.get(f"/report/webinars/{webinar_id}").json()
    participants = all_pages(v2, f"/report/webinars/{webinar_id}/participants", "participants")
    polls = v2.get(f"/report/webinars/{webinar_id}/polls").json()
    qa = v2.get(f"/report/webinars/{webinar_id}/qa").json()
    past_qa = v2.get(f"/past_webinars/{webinar_id}/qa").json()
    attendees = v1(client, "webinar/attendees/list", v1_params)["attendees"]
    v1_polls = v1(client, "webinar/polls", v1_params)
    v1_questions = v1(client, "webinar/questions", v1_params)

    came = [a for a in attendees if a["attended"] == "Yes"]
    assert [(p["user_email"], p["join_time"], p["leave_time"]) for p in participants] == [
        (a["email"], a["join_time"], a["leave_time"]) for a in came
    ]
    assert [p["duration"] // 60 for p in participants] == [int(a["time_in_session"]) for a in came]
    assert "registrant_id" not in participants[0]
    assert detail == {
        "id": webinar_id,
        "uuid": story["uuid"],
        "type": 5,
        "topic": "Launch",
        "user_name": "host@acme.test",
        "user_email": "host@acme.test",
        "start_time": "2026-01-20T10:00:00Z",
        "end_time": "2026-01-20T10:30:00Z",
        "duration": 30,
        "total_minutes": sum(int(a["time_in_session"]) for a in came),
        "participants_count": len(story["attendees"]),
        "dept": "",
        "tracking_fields": [],
        "custom_keys": [],
    }
    assert past_qa == v1_questions
    assert [
        {k: person[k] for k in ("name", "email")}
        | {
            "question_details": [
                {"question": d["question"], "answer": d["answer"]}
                for d in person["question_details"]
            ]
        }
        for person in polls["questions"]
    ] == v1_polls["questions"]
    assert [d["question_status"] for q in qa["questions"] for d in q["question_details"]] == [
        "answered" if d["answer"] else "open"
        for q in v1_questions["questions"]
        for d in q["question_details"]
    ]


def test_before_the_session_ended_past_and_report_paths_are_404(v2: V2) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    not_ended = v2.get(f"/report/webinars/{webinar_id}")
    unknown = v2.get("/past_webinars/no-such-uuid/participants")

    assert (not_ended.status_code, not_ended.json()) == (
        404,
        error(3001, "Webinar ID is invalid or not end."),
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        error(3001, "Webinar does not exist: no-such-uuid."),
    )
