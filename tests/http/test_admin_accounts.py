"""Management API: access, accounts, users, keys, reset and export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Account, ApiCredential, User, Webinar
from tests.conftest import AccountKeys
from tests.http.admin_helpers import TOKEN
from tests.http.helpers import v1

DISABLED = {
    "error": {
        "code": 403,
        "message": "The management API is off: set PODIUM_ADMIN_TOKEN, or run "
        "'podium serve --sandbox' and call it from this machine.",
    }
}
TOKEN_REQUIRED = {
    "error": {
        "code": 401,
        "message": "Send the management token: 'Authorization: Bearer <PODIUM_ADMIN_TOKEN>'.",
    }
}


def test_without_a_token_configured_the_management_api_is_refused(
    client: TestClient, session: Session
) -> None:
    response = client.post("/podium/api/accounts", json={"name": "X"})

    assert (response.status_code, response.json()) == (403, DISABLED)
    assert session.execute(select(func.count()).select_from(Account)).scalar_one() == 0


def test_a_wrong_or_missing_token_is_401(admin: TestClient) -> None:
    missing = admin.get("/podium/api/journal", headers={"authorization": ""})
    wrong = admin.get("/podium/api/journal", headers={"authorization": "Bearer nope"})
    basic = admin.get("/podium/api/journal", headers={"authorization": f"Basic {TOKEN}"})

    for response in (missing, wrong, basic):
        assert (response.status_code, response.json()) == (401, TOKEN_REQUIRED)
        assert response.headers["www-authenticate"] == 'Bearer realm="podium"'


def test_accounts_are_created_with_random_or_given_keys(
    admin: TestClient, session: Session
) -> None:
    random_keys = admin.post("/podium/api/accounts", json={"name": "Acme"}).json()
    given = admin.post(
        "/podium/api/accounts",
        json={
            "name": "CI",
            "host_email": "ci@x.test",
            "api_key": "ci-key",
            "api_secret": "ci-secret-0123456789",
        },
    )
    twin = admin.post(
        "/podium/api/accounts",
        json={"api_key": "ci-key", "api_secret": "other-secret-0123456789"},
    )

    assert given.status_code == 201
    assert given.json() == {
        "account_id": given.json()["account_id"],
        "api_key": "ci-key",
        "api_secret": "ci-secret-0123456789",
        "host_id": given.json()["host_id"],
    }
    assert set(random_keys) == {"account_id", "api_key", "api_secret", "host_id"}
    assert (twin.status_code, twin.json()) == (
        409,
        {"error": {"code": 409, "message": "Another account has the api_key ci-key."}},
    )
    names = session.execute(select(Account.name).order_by(Account.id)).scalars().all()
    assert names == ["Acme", "CI"]
    created = v1(
        admin,
        "webinar/create",
        {
            "api_key": "ci-key",
            "api_secret": "ci-secret-0123456789",
            "host_id": given.json()["host_id"],
            "topic": "Works",
        },
    )
    assert created["topic"] == "Works"


def test_bad_account_bodies_are_400(admin: TestClient) -> None:
    not_json = admin.post(
        "/podium/api/accounts", content=b"{", headers={"content-type": "application/json"}
    )
    not_object = admin.post("/podium/api/accounts", json=[1])
    short_secret = admin.post("/podium/api/accounts", json={"api_key": "k", "api_secret": "short"})

    assert (not_json.status_code, not_json.json()) == (
        400,
        {"error": {"code": 300, "message": "Invalid parameter: body. It is not valid JSON."}},
    )
    assert not_object.json() == {
        "error": {"code": 300, "message": "Invalid parameter: body. It must be a JSON object."}
    }
    assert short_secret.json() == {
        "error": {"code": 300, "message": "Invalid parameter: api_secret. At least 16 characters."}
    }


def test_users_and_keys(admin: TestClient, account: AccountKeys, session: Session) -> None:
    user = admin.post(
        f"/podium/api/accounts/{account.account_id}/users", json={"email": "b@acme.test"}
    )
    rotated = admin.post(f"/podium/api/accounts/{account.account_id}/keys")
    unknown = admin.post("/podium/api/accounts/999999/users", json={"email": "b@acme.test"})
    garbage = admin.post("/podium/api/accounts/²/keys")

    assert user.status_code == 201
    assert user.json() == {
        "host_id": user.json()["host_id"],
        "email": "b@acme.test",
        "webinar": True,
    }
    stored = session.execute(
        select(User.email).where(User.host_id == user.json()["host_id"])
    ).scalar_one()
    assert stored == "b@acme.test"
    keys = rotated.json()
    old = v1(admin, "webinar/list", account.host_params())
    new = v1(admin, "webinar/list", {**keys, "host_id": user.json()["host_id"]})
    assert old == {"error": {"code": 200, "message": "Invalid api key or secret"}}
    assert new == {
        "page_count": 0,
        "page_number": 1,
        "page_size": 30,
        "total_records": 0,
        "webinars": [],
    }
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"error": {"code": 404, "message": "No account 999999."}},
    )
    assert garbage.json() == {"error": {"code": 404, "message": "No account ²."}}
    live_keys = session.execute(
        select(func.count())
        .select_from(ApiCredential)
        .where(ApiCredential.account_id == account.account_id, ApiCredential.revoked_at.is_(None))
    ).scalar_one()
    assert live_keys == 1


def _webinar(admin: TestClient, account: AccountKeys, **extra: Any) -> int:
    return int(v1(admin, "webinar/create", account.host_params(topic="T", **extra))["id"])


def test_reset_one_account_keeps_the_others(
    admin: TestClient, account: AccountKeys, other_account: AccountKeys, session: Session
) -> None:
    mine = _webinar(admin, account)
    theirs = _webinar(admin, other_account)

    reset = admin.post(f"/podium/api/accounts/{account.account_id}/reset")

    assert reset.json() == {"webinars_deleted": 1}
    assert v1(admin, "webinar/get", account.host_params(id=mine)) == {
        "error": {"code": 3001, "message": f"Webinar {mine} not found or expired."}
    }
    assert v1(admin, "webinar/get", other_account.host_params(id=theirs))["id"] == theirs
    remaining = session.execute(select(Webinar.id)).scalars().all()
    assert remaining == [theirs]


def test_reset_everything_forgets_accounts_journal_and_faults(
    admin: TestClient, account: AccountKeys, session: Session
) -> None:
    _webinar(admin, account)
    admin.post("/podium/api/faults", json={"action": "*", "delay_ms": 1})

    reset = admin.post("/podium/api/reset")

    assert reset.json() == {"reset": True}
    assert admin.get("/podium/api/journal").json() == {"calls": []}
    assert admin.get("/podium/api/faults").json() == {"faults": []}
    assert session.execute(select(func.count()).select_from(Account)).scalar_one() == 0
    assert v1(admin, "webinar/list", account.host_params()) == {
        "error": {"code": 200, "message": "Invalid api key or secret"}
    }


def test_export_shows_each_webinar_as_the_v1_operations_do(
    admin: TestClient, account: AccountKeys
) -> None:
    webinar_id = _webinar(
        admin, account, approval_type=1, panelists='[{"name":"Pat","email":"pat@x.test"}]'
    )
    v1(
        admin,
        "webinar/register",
        account.credentials(id=webinar_id, email="ann@x.test", first_name="Ann", last_name="Lee"),
    )
    admin.post(f"/podium/api/webinars/{webinar_id}/simulate", json={"seed": 1, "show_up_rate": 0})

    exported = admin.get(f"/podium/api/accounts/{account.account_id}/export").json()

    [webinar] = exported["webinars"]
    get = v1(admin, "webinar/get", account.host_params(id=webinar_id))
    [session_] = v1(admin, "webinar/uuid/list", account.host_params(id=webinar_id))["webinars"]
    attendees = v1(
        admin, "webinar/attendees/list", account.host_params(id=webinar_id, uuid=session_["uuid"])
    )
    assert exported["account"] == {"id": account.account_id, "name": "Acme", "capacity": 100}
    assert exported["users"] == [
        {"host_id": account.host_id, "email": "host@acme.test", "webinar": True}
    ]
    assert {k: v for k, v in webinar.items() if k != "start_url"} == {
        **{k: v for k, v in get.items() if k != "start_url"},
        "panelists": v1(admin, "webinar/panelists", account.host_params(id=webinar_id))[
            "panelists"
        ],
        "registrants": v1(admin, "webinar/registration", account.host_params(id=webinar_id))[
            "attendees"
        ],
        "pending_registrants": v1(
            admin, "webinar/registrants/list", account.host_params(id=webinar_id, type=0)
        )["users"],
        "sessions": [
            {**session_, "attendees": attendees["attendees"], "polls": [], "questions": []}
        ],
    }
    assert [p["email"] for p in webinar["pending_registrants"]] == ["ann@x.test"]


def test_addresses_are_checked(admin: TestClient, account: AccountKeys, session: Session) -> None:
    bad_host = admin.post("/podium/api/accounts", json={"host_email": "not an address"})
    bad_user = admin.post(f"/podium/api/accounts/{account.account_id}/users", json={"email": "x@"})
    bad_seed = admin.post("/podium/api/seed", json={"accounts": [{"host_email": "nope"}]})

    for response in (bad_host, bad_user, bad_seed):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 300
    assert bad_host.json()["error"]["message"].startswith("Invalid parameter: host_email.")
    assert bad_seed.json()["error"]["message"].startswith(
        "Invalid parameter: accounts[0].host_email."
    )
    assert session.execute(select(func.count()).select_from(Account)).scalar_one() == 1
