"""PyPI zoomus 1.2.1 in v2 mode (its own venv, .venv-zoomus2) tells a whole story over a
real socket: token, recurring webinar, questions, registrations, approve and deny, panelists,
a poll, a batch, the session, every past-webinar and report endpoint — and the data equal
what v1 reports for the same session."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from podium.testing import PodiumServer, TestAccount
from tests.e2e.v1_calls import v1

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv-zoomus2" / "bin" / "python"


def run_story(server: PodiumServer, account: TestAccount) -> dict[str, Any]:
    assert PYTHON.exists(), "make test builds .venv-zoomus2 with zoomus==1.2.1"
    result = subprocess.run(
        [
            str(PYTHON),
            str(ROOT / "tests" / "clients" / "zoomus2_story.py"),
            server.root_url,
            account.api_key,
            account.api_secret,
            str(account.account_id),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    steps: dict[str, Any] = json.loads(result.stdout)
    return steps


def test_zoomus_v2_story(server: PodiumServer, fresh_account: TestAccount) -> None:
    account = fresh_account
    steps = run_story(server, account)
    body = {name: step["body"] for name, step in steps.items()}
    status = {name: step["status"] for name, step in steps.items()}

    assert status == {
        "create": 201, "get": 200, "list": 200, "questions": 204, "read_questions": 200,
        "missing_city": 400, "register_ann": 201, "register_bob": 201, "register_cat": 201,
        "register_dan": 201, "pending": 200, "approve": 204, "deny": 204, "approved": 200,
        "denied": 200, "add_panelists": 201, "panelists": 200, "poll": 201,
        "create_single": 201, "batch": 201, "simulate": 200, "end": 204, "instances": 200,
        "participants": 200, "absentees": 200, "past_polls": 200, "past_qa": 200,
        "report": 200, "report_participants": 200, "report_polls": 200, "report_qa": 200,
        "delete": 204, "after_delete": 404,
    }  # fmt: skip
    webinar_id = body["create"]["id"]
    assert [o["start_time"] for o in body["create"]["occurrences"]] == [
        "2030-03-04T09:00:00Z",  # Mondays (weekly_days 2), 10:00 in Berlin
        "2030-03-11T09:00:00Z",
        "2030-03-18T09:00:00Z",
    ]
    assert body["get"]["recurrence"] == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "2",
        "end_times": 3,
    }
    assert [w["id"] for w in body["list"]["webinars"]] == [webinar_id]
    assert body["missing_city"] == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "city", "message": "This field is required."}],
    }
    assert [r["email"] for r in body["pending"]["registrants"]] == [
        f"{n}@client.test" for n in ("ann", "bob", "cat", "dan")
    ]
    assert [r["email"] for r in body["approved"]["registrants"]] == [
        f"{n}@client.test" for n in ("ann", "bob", "cat")
    ]
    assert [(r["email"], r["join_url"]) for r in body["denied"]["registrants"]] == [
        ("dan@client.test", "")
    ]
    assert [p["email"] for p in body["panelists"]["panelists"]] == ["pat@client.test"]
    assert [r["email"] for r in body["batch"]["registrants"]] == [
        "eve@client.test",
        "fay@client.test",
    ]
    assert body["after_delete"] == {
        "code": 3001,
        "message": f"Webinar does not exist: {body['create_single']['id']}.",
    }

    [story] = body["simulate"]["sessions"]
    assert body["instances"] == {
        "webinars": [{"uuid": story["uuid"], "start_time": story["start_time"]}]
    }
    joins = sorted(
        (j["join_time"], a["email"], j["leave_time"])
        for a in story["attendees"]
        for j in a["joins"]
    )
    assert [
        (p["join_time"], p["user_email"], p["leave_time"])
        for p in body["participants"]["participants"]
    ] == joins
    assert [r["id"] for r in body["absentees"]["registrants"]] == story["absent_registrant_ids"]

    # The same session through v1: the same people, times, answers and questions.
    attendees = v1(server, account, "webinar/attendees/list", id=webinar_id)["attendees"]
    came = [a for a in attendees if a["attended"] == "Yes"]
    assert [
        (p["user_email"], p["join_time"], p["leave_time"])
        for p in body["report_participants"]["participants"]
    ] == [(a["email"], a["join_time"], a["leave_time"]) for a in came]
    assert body["report"]["total_minutes"] == sum(int(a["time_in_session"]) for a in came)
    assert body["past_qa"] == v1(server, account, "webinar/questions", id=webinar_id)
    v1_polls = v1(server, account, "webinar/polls", id=webinar_id)
    assert [
        [(d["question"], d["answer"]) for d in person["question_details"]]
        for person in body["past_polls"]["questions"]
    ] == [
        [(d["question"], d["answer"]) for d in person["question_details"]]
        for person in v1_polls["questions"]
    ]
    registration = v1(server, account, "webinar/registration", id=webinar_id)
    assert [(a["email"], a["approval"]) for a in registration["attendees"]] == [
        ("ann@client.test", "approved"),
        ("bob@client.test", "approved"),
        ("cat@client.test", "approved"),
        ("dan@client.test", "denied"),
    ]
    journaled = [call.action for call in server.calls(api_key=account.api_key)]
    assert journaled[:3] == ["oauth/token", "createWebinar", "getWebinar"]
    assert "webinar/attendees/list" in journaled
