"""Management API: the request journal and fault injection."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import AccountKeys
from tests.http.helpers import v1

REDACTED = "[redacted]"


def test_every_v1_call_is_journaled_with_secrets_redacted(
    admin: TestClient, account: AccountKeys
) -> None:
    created = v1(admin, "webinar/create", account.host_params(topic="T", password="hunter2"))
    v1(admin, "webinar/get", account.host_params(id="999"))
    admin.post("/v1/webinar/get?zak=abc", data={"api_key": account.api_key, "tk": "t"})

    calls = admin.get("/podium/api/journal").json()["calls"]

    for call in calls:
        assert call["at"] == "2026-01-15T12:00:00Z"
        assert isinstance(call["duration_ms"], float)
        assert call["duration_ms"] > 0  # measured around the call, not a placeholder
    assert [(c["seq"], c["action"], c["code"], c["status"]) for c in calls] == [
        (1, "webinar/create", None, 200),
        (2, "webinar/get", 3001, 200),
        (3, "webinar/get", 300, 200),
    ]
    assert calls[0]["params"] == {
        "api_key": account.api_key,
        "api_secret": REDACTED,
        "host_id": account.host_id,
        "topic": "T",
        "password": REDACTED,
    }
    assert calls[2]["params"] == {"zak": REDACTED, "api_key": account.api_key, "tk": REDACTED}
    assert created["topic"] == "T"


def test_the_journal_filters_limits_prunes_and_clears(
    admin: TestClient, account: AccountKeys
) -> None:
    for number in range(7):  # the fixture keeps 5
        v1(admin, "webinar/list" if number % 2 else "webinar/get", account.host_params(id=number))

    everything = admin.get("/podium/api/journal").json()["calls"]
    lists = admin.get("/podium/api/journal", params={"action": "webinar/list"}).json()["calls"]
    newest = admin.get("/podium/api/journal", params={"limit": 2}).json()["calls"]
    bad_limit = admin.get("/podium/api/journal", params={"limit": "0"})
    cleared = admin.delete("/podium/api/journal").json()

    assert [c["seq"] for c in everything] == [3, 4, 5, 6, 7]
    assert [c["seq"] for c in lists] == [4, 6]
    assert [c["seq"] for c in newest] == [6, 7]
    assert (bad_limit.status_code, bad_limit.json()) == (
        400,
        {"error": {"code": 300, "message": "Invalid parameter: limit. A whole number above 0."}},
    )
    assert cleared == {"calls": []}
    assert admin.get("/podium/api/journal").json() == {"calls": []}


def test_a_counted_fault_answers_the_next_calls_then_stops(
    admin: TestClient, account: AccountKeys
) -> None:
    webinar_id = v1(admin, "webinar/create", account.host_params(topic="T", approval_type=0))["id"]
    rule = admin.post(
        "/podium/api/faults",
        json={"action": "webinar/register", "error_code": 3035, "message": "Full.", "count": 2},
    )
    person = account.credentials(id=webinar_id, email="a@x.test", first_name="A", last_name="B")

    answers = [v1(admin, "webinar/register", person) for _ in range(3)]
    other_action = v1(admin, "webinar/get", account.host_params(id=webinar_id))

    assert rule.status_code == 201
    assert rule.json() == {
        "id": 1,
        "action": "webinar/register",
        "error_code": 3035,
        "message": "Full.",
        "http_status": None,
        "delay_ms": 0,
        "drop": False,
        "probability": 1.0,
        "count": 2,
        "fired": 0,
    }
    assert answers[:2] == [{"error": {"code": 3035, "message": "Full."}}] * 2
    assert set(answers[2]) >= {"registrant_id", "join_url"}
    assert other_action["id"] == webinar_id
    assert admin.get("/podium/api/faults").json() == {"faults": []}
    codes = [c["code"] for c in admin.get("/podium/api/journal").json()["calls"]]
    assert codes == [None, 3035, 3035, None, None]


def test_an_http_status_fault_and_a_delay(admin: TestClient, account: AccountKeys) -> None:
    admin.post("/podium/api/faults", json={"action": "webinar/list", "http_status": 503})
    admin.post("/podium/api/faults", json={"action": "webinar/get", "delay_ms": 150, "count": 1})

    unavailable = admin.post("/v1/webinar/list", data=account.host_params())
    delayed = v1(admin, "webinar/get", account.host_params(id="1"))

    assert (unavailable.status_code, unavailable.json()) == (
        503,
        {"error": {"code": 503, "message": "Injected fault (503)."}},
    )
    assert delayed == {"error": {"code": 3001, "message": "Webinar 1 not found or expired."}}
    [_list, get] = admin.get("/podium/api/journal").json()["calls"]
    assert get["duration_ms"] >= 150
    assert [r["action"] for r in admin.get("/podium/api/faults").json()["faults"]] == [
        "webinar/list"
    ]


def test_a_fault_with_probability_zero_never_fires_and_rules_can_be_removed(
    admin: TestClient, account: AccountKeys
) -> None:
    never = admin.post(
        "/podium/api/faults", json={"action": "*", "error_code": 1, "probability": 0}
    ).json()
    answers = [v1(admin, "webinar/list", account.host_params()) for _ in range(5)]
    removed = admin.delete(f"/podium/api/faults/{never['id']}")
    again = admin.delete(f"/podium/api/faults/{never['id']}")

    assert all("webinars" in answer for answer in answers)
    assert never["fired"] == 0
    assert removed.json() == {"faults": []}
    assert (again.status_code, again.json()) == (
        404,
        {"error": {"code": 404, "message": f"No fault rule {never['id']}."}},
    )


def test_fault_rules_are_validated(admin: TestClient) -> None:
    cases = {
        '{"action": "webinar/nope", "error_code": 1}': 'Invalid parameter: action. A v1 action such as "webinar/register", or "*".',
        '{"action": "*"}': "Invalid parameter: fault. Give error_code, http_status, delay_ms or drop.",
        '{"action": "*", "http_status": 99}': "Invalid parameter: http_status. A whole number from 200 to 599.",
        '{"action": "*", "delay_ms": 600000}': "Invalid parameter: delay_ms. A whole number from 0 to 60000.",
        '{"action": "*", "drop": 1}': "Invalid parameter: drop. true or false.",
        '{"action": "*", "drop": true, "probability": 2}': "Invalid parameter: probability. A number from 0 to 1.",
        '{"action": "*", "drop": true, "count": 0}': "Invalid parameter: count. A whole number from 1 to 1000000.",
        '{"action": "*", "error_code": 1, "message": 5}': "Invalid parameter: message. Text of at most 500 characters.",
        "[]": "Invalid parameter: fault. It must be a JSON object.",
    }
    for body, message in cases.items():
        response = admin.post(
            "/podium/api/faults", content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.json()) == (
            400,
            {"error": {"code": 300, "message": message}},
        ), body
    assert admin.get("/podium/api/faults").json() == {"faults": []}


def test_a_fault_rule_with_a_non_text_action_is_a_400(admin: TestClient) -> None:
    response = admin.post("/podium/api/faults", json={"action": {}, "error_code": 1})

    assert (response.status_code, response.json()) == (
        400,
        {
            "error": {
                "code": 300,
                "message": 'Invalid parameter: action. A v1 action such as "webinar/register", or "*".',
            }
        },
    )
