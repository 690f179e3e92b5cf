"""Simulated runs: the reports tell exactly the story the simulation returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.ids import Ids
from podium.services import instances, lookup
from podium.timestamps import parse_timestamp
from podium.web.v1 import PIECE_ITEMS
from tests.conftest import AccountKeys
from tests.http.helpers import v1

POLL = {
    "title": "Pulse",
    "questions": [
        {"name": "Ready?", "answers": ["Yes", "No"]},
        {"name": "Topics", "type": "multiple", "answers": ["A", "B", "C"]},
    ],
}
PLAN = {"seed": 7, "show_up_rate": 0.75, "walk_ins": 2, "rejoin_rate": 0.5, "questions": 3}


def _seed(admin: TestClient, *, registrants: int, **webinar: Any) -> dict[str, Any]:
    document = {
        "accounts": [
            {
                "api_key": "sim-key",
                "api_secret": "sim-secret-0123456789",
                "webinars": [
                    {
                        "topic": "Story",
                        "start_time": "2026-01-20T10:00:00Z",
                        "duration": 40,
                        "approval_type": 0,
                        **webinar,
                        "registrants": [
                            {"email": f"p{n}@x.test", "first_name": f"P{n}", "last_name": "Lee"}
                            for n in range(registrants)
                        ],
                        "polls": [POLL],
                    }
                ],
            }
        ]
    }
    [account] = admin.post("/podium/api/seed", json=document).json()["accounts"]
    return dict(account)


def _keys(account: dict[str, Any]) -> dict[str, str]:
    """The v1 credentials of the account `_seed` made, with its host."""
    return {
        "api_key": "sim-key",
        "api_secret": "sim-secret-0123456789",
        "host_id": account["host_id"],
    }


def _when(text: str) -> datetime:
    return parse_timestamp(text, name="t")


def _expected_attendees(story: dict[str, Any]) -> list[dict[str, Any]]:
    joins = []
    for person in story["attendees"]:
        first, _, last = person["name"].partition(" ")
        for row in person["joins"]:
            seconds = (_when(row["leave_time"]) - _when(row["join_time"])).total_seconds()
            joins.append((row["join_time"], first, last, person["email"], row, int(seconds // 60)))
    joins.sort(key=lambda item: item[0])
    return [
        {
            "first_name": first,
            "last_name": last,
            "email": email,
            "join_time": row["join_time"],
            "leave_time": row["leave_time"],
            "time_in_session": str(minutes),
            "attended": "Yes",
        }
        for _at, first, last, email, row, minutes in joins
    ]


def _grouped(items: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for name, email, question, answer in items:
        person = people.setdefault(email, {"name": name, "email": email, "question_details": []})
        person["question_details"].append({"question": question, "answer": answer})
    return list(people.values())


def test_the_reports_equal_the_simulated_story(admin: TestClient) -> None:
    account = _seed(admin, registrants=8)
    keys = _keys(account)
    webinar_id = account["webinars"][0]["id"]

    answer = admin.post(f"/podium/api/webinars/{webinar_id}/simulate", json=PLAN).json()

    [story] = answer["sessions"]
    names = {p["email"]: p["name"] for p in story["attendees"]}
    assert answer["id"] == webinar_id
    assert (story["start_time"], story["end_time"]) == (
        "2026-01-20T10:00:00Z",
        "2026-01-20T10:40:00Z",
    )
    assert len(story["attendees"]) == 6 + 2  # 75 % of 8 registrants, and 2 walk-ins
    assert len(story["absent_registrant_ids"]) == 2
    assert any(len(p["joins"]) == 2 for p in story["attendees"])  # somebody came back
    sessions = v1(admin, "webinar/uuid/list", {**keys, "id": webinar_id})
    assert sessions == {"webinars": [{"uuid": story["uuid"], "start_time": "2026-01-20T10:00:00Z"}]}
    report = v1(admin, "webinar/attendees/list", {**keys, "id": webinar_id, "uuid": story["uuid"]})
    attended = [
        {k: a[k] for k in _expected_attendees(story)[0]}
        for a in report["attendees"]
        if a["attended"] == "Yes"
    ]
    assert attended == _expected_attendees(story)
    registrants = admin.post("/podium/api/seed", json={"accounts": []})  # no-op, still 201
    assert registrants.status_code == 201
    absent = [a["email"] for a in report["attendees"] if a["attended"] == "No"]
    assert len(absent) == 2
    assert not set(absent) & set(names)
    polls = v1(admin, "webinar/polls", {**keys, "id": webinar_id, "uuid": story["uuid"]})
    assert polls["questions"] == _grouped(
        [
            (names[a["email"]], a["email"], question, ";".join(choices))
            for a in story["poll_answers"]
            for question, choices in a["answers"].items()
        ]
    )
    assert story["poll_answers"]  # the seed gives answers
    questions = v1(admin, "webinar/questions", {**keys, "id": webinar_id, "uuid": story["uuid"]})
    assert questions["questions"] == _grouped(
        [(names[q["email"]], q["email"], q["question"], q["answer"]) for q in story["questions"]]
    )
    assert len(story["questions"]) == 3
    assert v1(admin, "webinar/get", {**keys, "id": webinar_id})["status"] == 2


def test_the_same_seed_tells_the_same_story(admin: TestClient) -> None:
    stories = []
    for _ in range(2):
        admin.post("/podium/api/reset")
        webinar_id = _seed(admin, registrants=5)["webinars"][0]["id"]
        path = f"/podium/api/webinars/{webinar_id}/simulate"
        stories.append(admin.post(path, json=PLAN).json())

    def shape(answer: dict[str, Any]) -> Any:
        [story] = answer["sessions"]
        return (
            [(p["email"].split("-")[0], p["joins"]) for p in story["attendees"]],
            [(a["email"].split("-")[0], a["answers"]) for a in story["poll_answers"]],
            [(q["email"].split("-")[0], q["answer"]) for q in story["questions"]],
        )

    assert shape(stories[0]) == shape(stories[1])


def test_a_recurring_webinar_gets_one_session_per_chosen_occurrence(admin: TestClient) -> None:
    account = _seed(
        admin,
        registrants=3,
        type=9,
        recurrence={"type": 1, "repeat_interval": 1, "end_times": 3},
    )
    keys = _keys(account)
    webinar_id = account["webinars"][0]["id"]
    occurrences = v1(admin, "webinar/get", {**keys, "id": webinar_id})["occurrences"]
    chosen = [occurrences[0]["occurrence_id"], occurrences[2]["occurrence_id"]]

    answer = admin.post(
        f"/podium/api/webinars/{webinar_id}/simulate", json={"seed": 1, "occurrence_ids": chosen}
    ).json()

    assert [s["occurrence_id"] for s in answer["sessions"]] == chosen
    assert [s["start_time"] for s in answer["sessions"]] == [
        occurrences[0]["start_time"],
        occurrences[2]["start_time"],
    ]
    listed = v1(admin, "webinar/uuid/list", {**keys, "id": webinar_id})["webinars"]
    assert sorted(item["uuid"] for item in listed) == sorted(s["uuid"] for s in answer["sessions"])


def test_simulate_refuses_bad_plans_unknown_webinars_and_running_sessions(
    admin: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = v1(admin, "webinar/create", account.host_params(topic="T"))["id"]
    cases = {
        '{"show_up_rate": 2}': "Invalid parameter: show_up_rate. A number from 0 to 1.",
        '{"walk_ins": -1}': "Invalid parameter: walk_ins. A whole number from 0 to 10000.",
        '{"speed": 1}': "Invalid parameter: speed. Known fields: answer_rate, join_spread_minutes, "
        "occurrence_ids, poll_answer_rate, questions, rejoin_rate, seed, show_up_rate, walk_ins.",
        '{"occurrence_ids": ["1"]}': "Invalid parameter: occurrence_ids. The webinar is not recurring.",
    }
    for body, message in cases.items():
        response = admin.post(
            f"/podium/api/webinars/{webinar_id}/simulate",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert (response.status_code, response.json()) == (
            400,
            {"error": {"code": 300, "message": message}},
        ), body
    unknown = admin.post("/podium/api/webinars/12345/simulate")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"error": {"code": 3001, "message": "Webinar 12345 not found or expired."}},
    )
    webinar = lookup.find_webinar(session, webinar_id, account_id=account.account_id)
    instances.start_instance(session, webinar, ids=Ids.seeded(5), now=webinar.created_at)
    running = admin.post(f"/podium/api/webinars/{webinar_id}/simulate")
    assert (running.status_code, running.json()) == (
        409,
        {"error": {"code": 409, "message": "A session of this webinar is running: end it first."}},
    )


def test_another_webinars_session_answers_like_one_that_never_existed(
    admin: TestClient, account: AccountKeys, other_account: AccountKeys
) -> None:
    def ended(keys: AccountKeys) -> tuple[int, str]:
        webinar_id = v1(
            admin, "webinar/create", keys.host_params(topic="T", start_time="2026-01-20T10:00:00Z")
        )["id"]
        [story] = admin.post(
            f"/podium/api/webinars/{webinar_id}/simulate", json={"seed": 1}
        ).json()["sessions"]
        return webinar_id, story["uuid"]

    mine, _my_uuid = ended(account)
    _theirs, their_uuid = ended(other_account)
    for action in ("webinar/attendees/list", "webinar/polls", "webinar/questions"):
        foreign = admin.post(f"/v1/{action}", data=account.host_params(id=mine, uuid=their_uuid))
        never = admin.post(
            f"/v1/{action}", data=account.host_params(id=mine, uuid="bm90LWEtc2Vzc2lvbg==")
        )
        assert foreign.json()["error"]["code"] == 3001
        assert foreign.content == never.content


def test_a_report_longer_than_one_piece_arrives_whole(admin: TestClient) -> None:
    account = _seed(admin, registrants=0)
    keys = _keys(account)
    webinar_id = account["webinars"][0]["id"]
    plan = {"seed": 3, "walk_ins": PIECE_ITEMS + 101, "rejoin_rate": 0, "questions": 0}
    [story] = admin.post(f"/podium/api/webinars/{webinar_id}/simulate", json=plan).json()[
        "sessions"
    ]

    answer = admin.post(
        "/v1/webinar/attendees/list", data={**keys, "id": webinar_id, "uuid": story["uuid"]}
    )

    assert "content-length" not in answer.headers  # sent in pieces
    assert answer.headers["content-type"] == "application/json"
    attendees = answer.json()["attendees"]
    assert len(attendees) == PIECE_ITEMS + 101
    assert [{k: a[k] for k in _expected_attendees(story)[0]} for a in attendees] == (
        _expected_attendees(story)
    )
    assert {a["attended"] for a in attendees} == {"Yes"}
