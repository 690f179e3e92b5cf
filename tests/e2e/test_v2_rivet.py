"""Zoom's own Node SDK, @zoom/rivet (MeetingsS2SAuthClient with baseUrl, a token store holding
Podium's token), tells a whole story over a real socket; its data equal v1's reports of the
same session; a token Podium expired is Rivet's `ApiResponseError [401/124]`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from podium.testing import PodiumServer, TestAccount
from tests.e2e.v1_calls import v1

pytestmark = pytest.mark.e2e
NODE_DIR = Path(__file__).resolve().parents[1] / "node"


def rivet(server: PodiumServer, token: str, step: str) -> dict[str, Any]:
    node = shutil.which("node")
    assert node is not None, "Node.js is required (make test installs the npm clients)"
    assert (NODE_DIR / "node_modules" / "@zoom" / "rivet").is_dir(), "run `make test` (npm ci)"
    result = subprocess.run(
        [node, str(NODE_DIR / "v2_story.js"), step],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "ROOT": server.root_url, "TOKEN": token},
    )
    steps: dict[str, Any] = json.loads(result.stdout)
    return steps


def test_rivet_v2_story(server: PodiumServer, fresh_account: TestAccount) -> None:
    account = fresh_account
    steps = rivet(server, server.token(account), "story")
    data = {name: step.get("data") for name, step in steps.items()}

    assert {name: step.get("status") for name, step in steps.items() if name != "missing"} == {
        "create": 201, "get": 200, "update": 204, "questions": 204, "read_questions": 200,
        "register_ann": 201, "register_bob": 201, "register_cat": 201, "approve": 204,
        "deny": 204, "approved": 200, "denied": 200, "add_panelists": 201, "panelists": 200,
        "poll": 201, "create_single": 201, "batch": 201, "simulate": 200, "end": 204,
        "instances": 200, "participants": 200, "absentees": 200, "past_polls": 200,
        "past_qa": 200, "report": 200, "report_participants": 200, "report_polls": 200,
        "report_qa": 200, "remove_panelist": 204,
    }  # fmt: skip
    assert steps["missing"] == {
        "error": "ApiResponseError",
        "message": '[404/3001]: "Webinar does not exist: 1."',
    }
    webinar_id = data["create"]["id"]
    assert data["update"] == ""  # a 204's empty body, as Rivet gives it
    assert data["read_questions"] == {
        "questions": [{"field_name": "org", "required": True}],
        "custom_questions": [],
    }
    assert [r["email"] for r in data["approved"]["registrants"]] == [
        "ann@rivet.test",
        "bob@rivet.test",
    ]
    assert [(r["email"], r["status"]) for r in data["denied"]["registrants"]] == [
        ("cat@rivet.test", "denied")
    ]
    assert data["batch"]["registrants"][0]["email"] == "eve@rivet.test"

    [story] = data["simulate"]["sessions"]
    assert data["instances"] == {
        "webinars": [{"uuid": story["uuid"], "start_time": story["start_time"]}]
    }
    attendees = v1(server, account, "webinar/attendees/list", id=webinar_id, uuid=story["uuid"])
    came = [a for a in attendees["attendees"] if a["attended"] == "Yes"]
    assert [
        (p["user_email"], p["join_time"], p["leave_time"])
        for p in data["report_participants"]["participants"]
    ] == [(a["email"], a["join_time"], a["leave_time"]) for a in came]
    registrant_of = {a["email"]: a["registrant_id"] for a in story["attendees"]}
    assert [p["registrant_id"] for p in data["report_participants"]["participants"]] == [
        registrant_of[a["email"]] or "" for a in came
    ]
    assert [r["email"] for r in data["absentees"]["registrants"]] == [
        a["email"] for a in attendees["attendees"] if a["attended"] == "No"
    ]
    assert data["past_qa"] == v1(server, account, "webinar/questions", id=webinar_id)
    assert data["report"]["participants_count"] == len(story["attendees"])
    seen = v1(server, account, "webinar/get", id=webinar_id)
    assert (seen["agenda"], seen["status"]) == ("Ünïcode agenda", 2)


def test_rivet_meets_a_token_podium_expired(
    server: PodiumServer, fresh_account: TestAccount
) -> None:
    token = server.token(fresh_account)
    server.clock.advance(hours=1, seconds=1)
    try:
        steps = rivet(server, token, "expired")
    finally:
        server.clock.reset()

    assert steps == {
        "expired": {"error": "ApiResponseError", "message": '[401/124]: "Access token is expired."'}
    }
