"""Management API: seeding from JSON or YAML, and the sandbox's virtual clock."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Account, Poll, Registrant, Webinar
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.runtime import Runtime
from tests.http.admin_helpers import BEARER, TOKEN
from tests.http.helpers import v1

SEED_YAML = """
accounts:
  - name: Acme
    host_email: host@acme.test
    api_key: acme-key
    api_secret: acme-secret-0123456789
    capacity: 50
    users: [{email: second@acme.test}]
    webinars:
      - topic: Launch
        type: 5
        start_time: "2026-02-01T15:00:00Z"
        duration: 45
        approval_type: 1
        panelists: [{name: Pat Lee, email: pat@acme.test}]
        registrants:
          - {email: ann@example.com, first_name: Ann, last_name: Ray, status: approved}
          - {email: bob@example.com, first_name: Bob, last_name: Ode}
          - {email: cy@example.com, first_name: Cy, last_name: Po, status: cancelled}
        polls:
          - {title: Pulse, questions: [{name: "Ready?", answers: ["Yes", "No"]}]}
      - topic: Weekly
        type: 9
        start_time: "2026-02-02T09:00:00Z"
        timezone: Europe/Paris
        approval_type: 0
        recurrence: {type: 2, repeat_interval: 1, weekly_days: "2", end_times: 3}
"""


def test_a_yaml_seed_creates_everything_usable_over_v1(admin: TestClient, session: Session) -> None:
    response = admin.post(
        "/podium/api/seed", content=SEED_YAML, headers={"content-type": "application/yaml"}
    )

    assert response.status_code == 201
    [acme] = response.json()["accounts"]
    keys = {
        "api_key": "acme-key",
        "api_secret": "acme-secret-0123456789",
        "host_id": acme["host_id"],
    }
    launch, weekly = acme["webinars"]
    assert [r["email"] for r in launch["registrants"]] == [
        "ann@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    got = v1(admin, "webinar/get", {**keys, "id": launch["id"]})
    assert (got["topic"], got["start_time"], got["duration"]) == (
        "Launch",
        "2026-02-01T15:00:00Z",
        45,
    )
    assert [
        o["start_time"]
        for o in v1(admin, "webinar/get", {**keys, "id": weekly["id"]})["occurrences"]
    ] == ["2026-02-02T09:00:00Z", "2026-02-09T09:00:00Z", "2026-02-16T09:00:00Z"]
    approved = v1(admin, "webinar/registrants/list", {**keys, "id": launch["id"], "type": 1})
    pending = v1(admin, "webinar/registrants/list", {**keys, "id": launch["id"], "type": 0})
    assert [u["email"] for u in approved["users"]] == ["ann@example.com"]
    assert [u["email"] for u in pending["users"]] == ["bob@example.com"]
    panelists = v1(admin, "webinar/panelists", {**keys, "id": launch["id"]})["panelists"]
    assert [(p["name"], p["email"]) for p in panelists] == [("Pat Lee", "pat@acme.test")]
    statuses = dict(session.execute(select(Registrant.email, Registrant.status)).all())
    assert statuses == {
        "ann@example.com": "approved",
        "bob@example.com": "pending",
        "cy@example.com": "cancelled",
    }
    assert session.execute(select(Poll.title)).scalars().all() == ["Pulse"]
    assert launch["poll_ids"] == session.execute(select(Poll.id)).scalars().all()
    assert session.execute(select(Account.capacity)).scalar_one() == 50
    assert len(acme["user_host_ids"]) == 1


def test_a_json_seed_with_one_bad_field_writes_nothing(admin: TestClient, session: Session) -> None:
    document = {
        "accounts": [
            {"name": "Fine", "webinars": [{"topic": "Good"}]},
            {"name": "Broken", "webinars": [{"topic": "Bad", "type": 7}]},
        ]
    }

    response = admin.post("/podium/api/seed", json=document)

    assert (response.status_code, response.json()) == (
        400,
        {
            "error": {
                "code": 300,
                "message": "Invalid parameter: accounts[1].webinars[0]. Invalid parameter: type. "
                "It must be one of 5, 6, 9.",
            }
        },
    )
    assert session.execute(select(func.count()).select_from(Account)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(Webinar)).scalar_one() == 0


def test_seed_shapes_are_checked(admin: TestClient) -> None:
    cases = {
        "[]": 'Invalid parameter: seed. An object with "accounts": [...].',
        '{"accounts": 3}': "Invalid parameter: seed.accounts. A list of at most 100 objects.",
        '{"accounts": [1]}': "Invalid parameter: seed.accounts[0]. It must be an object.",
        '{"accounts": [{"webinars": [{"topic": "T", "registrants": [{"email": "a@x.test", "status": "maybe"}]}]}]}': "Invalid parameter: accounts[0].webinars[0].registrants[0].status. "
        "pending, approved, cancelled or denied.",
        '{"accounts": [{"webinars": [{"topic": "T", "polls": [{"title": "P"}]}]}]}': "Invalid parameter: accounts[0].webinars[0].polls[0]. "
        "Invalid parameter: poll. questions: 1 to 20 objects.",
    }
    for body, message in cases.items():
        response = admin.post(
            "/podium/api/seed", content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.json()) == (
            400,
            {"error": {"code": 300, "message": message}},
        )
    bad_yaml = admin.post("/podium/api/seed", content="a: [", headers={"content-type": "text/yaml"})
    assert bad_yaml.json() == {
        "error": {"code": 300, "message": "Invalid parameter: body. It is not valid YAML."}
    }


def test_the_clock_moves_a_webinar_from_upcoming_to_past(admin: TestClient) -> None:
    seeded = admin.post(
        "/podium/api/seed", content=SEED_YAML, headers={"content-type": "application/yaml"}
    )
    [acme] = seeded.json()["accounts"]
    keys = {
        "api_key": "acme-key",
        "api_secret": "acme-secret-0123456789",
        "host_id": acme["host_id"],
    }

    before = v1(admin, "webinar/list/registration", keys)
    moved = admin.post(
        "/podium/api/clock", json={"set": "2026-02-16T10:00:00Z", "advance": {"hours": 1}}
    )
    after = v1(admin, "webinar/list/registration", keys)
    register = v1(
        admin,
        "webinar/register",
        {
            **keys,
            "id": acme["webinars"][1]["id"],
            "email": "z@x.test",
            "first_name": "Z",
            "last_name": "Y",
        },
    )

    assert [w["topic"] for w in before["webinars"]] == ["Launch", "Weekly"]
    assert moved.json() == {"now": "2026-02-16T11:00:00Z", "frozen": True}
    assert after["webinars"] == []
    assert register == {
        "error": {"code": 3038, "message": "Webinar is over, you can not register now."}
    }
    assert admin.get("/podium/api/clock").json() == {"now": "2026-02-16T11:00:00Z", "frozen": True}


def test_clock_changes_are_validated(admin: TestClient) -> None:
    cases = {
        '{"when": 1}': "Invalid parameter: when. Use set, advance or frozen.",
        '{"advance": {"years": 1}}': "Invalid parameter: advance. An object of weeks, days, hours, minutes, seconds numbers.",
        '{"advance": 5}': "Invalid parameter: body. It must be a JSON object.",
        '{"frozen": "yes"}': "Invalid parameter: frozen. true or false.",
        '{"set": "tomorrow"}': "Invalid parameter: set. Use UTC time such as 2012-11-25T12:00:00Z.",
        '{"advance": {"days": 1e12}}': "Invalid parameter: advance. That is too far.",
    }
    for body, message in cases.items():
        response = admin.post(
            "/podium/api/clock", content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.json()) == (
            400,
            {"error": {"code": 300, "message": message}},
        ), body
    assert admin.get("/podium/api/clock").json() == {"now": "2026-01-15T12:00:00Z", "frozen": True}


def test_a_running_virtual_clock_can_be_resumed(admin: TestClient) -> None:
    resumed = admin.post("/podium/api/clock", json={"frozen": False, "set": "2030-01-01T00:00:00Z"})

    assert resumed.json()["frozen"] is False
    assert resumed.json()["now"].startswith("2030-01-01T00:00:0")


def test_the_clock_needs_a_sandbox(settings: Settings, runtime: Runtime) -> None:
    production = replace(settings, admin_token=TOKEN)
    app = create_app(production, replace(runtime, settings=production))
    with TestClient(app, headers=BEARER) as client:
        response = client.post("/podium/api/clock", json={"advance": {"days": 1}})

    assert (response.status_code, response.json()) == (
        403,
        {
            "error": {
                "code": 403,
                "message": "The virtual clock needs a sandbox server: 'podium serve --sandbox'.",
            }
        },
    )
