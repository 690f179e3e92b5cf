"""Authentication and tenancy (contract §5), run over every action."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.api.actions import ACTIONS
from podium.db.models import User
from podium.services import accounts
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.helpers import error, v1

ALL_ACTIONS = sorted(ACTIONS)
HOST_ACTIONS = [name for name in ALL_ACTIONS if name != "webinar/register"]  # register: no host
ID_ACTIONS = [
    name
    for name in ALL_ACTIONS
    if name not in ("webinar/create", "webinar/list", "webinar/list/registration")
]


@pytest.mark.parametrize("action", ALL_ACTIONS)
@pytest.mark.parametrize("drop", [("api_key",), ("api_secret",), ("api_key", "api_secret")])
def test_missing_credentials_are_300(
    action: str, drop: tuple[str, ...], client: TestClient, account: AccountKeys
) -> None:
    params = account.host_params(id="1234567890", topic="T")
    for name in drop:
        params[name] = ""

    assert v1(client, action, params) == error(300, "Api key and secret are required.")


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_unknown_key_and_wrong_secret_give_identical_bytes(
    action: str, client: TestClient, account: AccountKeys
) -> None:
    wrong_secret = client.post(f"/v1/{action}", data=account.host_params(api_secret="nope"))
    unknown_key = client.post(f"/v1/{action}", data=account.host_params(api_key="nope"))

    assert wrong_secret.status_code == unknown_key.status_code == 200
    assert wrong_secret.content == unknown_key.content
    assert wrong_secret.json() == error(200, "Invalid api key or secret")


def test_rotated_key_stops_working(
    client: TestClient, account: AccountKeys, runtime: Runtime
) -> None:
    context = runtime.context
    pair = runtime.run(
        lambda session: accounts.rotate_key(
            session,
            account.account_id,
            key=context.issuer.key,
            ids=context.issuer.ids,
            now=context.clock.now(),
        ),
        writes=True,
    )

    old = v1(client, "webinar/list", account.host_params())
    new = v1(
        client,
        "webinar/list",
        account.host_params(api_key=pair.api_key, api_secret=pair.api_secret),
    )

    assert old == error(200, "Invalid api key or secret")
    assert new["total_records"] == 0


@pytest.mark.parametrize("action", HOST_ACTIONS)
def test_unknown_host_and_other_accounts_host_are_both_1001(
    action: str, client: TestClient, account: AccountKeys, other_account: AccountKeys
) -> None:
    foreign = v1(
        client, action, account.host_params(host_id=other_account.host_id, id="1", topic="T")
    )
    unknown = v1(client, action, account.host_params(host_id="NoSuchHost", id="1", topic="T"))

    assert foreign == error(1001, f"User not exist: {other_account.host_id}")
    assert unknown == error(1001, "User not exist: NoSuchHost")


def test_host_without_webinar_feature_is_200(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    session.execute(update(User).where(User.host_id == account.host_id).values(has_webinar=False))
    session.flush()

    body = v1(client, "webinar/create", account.host_params(topic="T"))

    assert body == error(
        200, f"Cannot use webinar API, you need to enable webinar for this user: {account.host_id}"
    )


@pytest.mark.parametrize("action", ID_ACTIONS)
def test_other_accounts_webinar_answers_like_one_that_never_existed(
    action: str, client: TestClient, account: AccountKeys, other_account: AccountKeys
) -> None:
    theirs = v1(client, "webinar/create", other_account.host_params(topic="Theirs"))["id"]
    before = v1(client, "webinar/get", other_account.host_params(id=theirs))

    foreign = client.post(f"/v1/{action}", data=account.host_params(id=theirs, topic="Mine"))
    never = client.post(f"/v1/{action}", data=account.host_params(id="1000000001", topic="Mine"))

    assert foreign.json() == error(3001, f"Webinar {theirs} not found or expired.")
    assert foreign.content == never.content.replace(b"1000000001", str(theirs).encode())
    after = v1(client, "webinar/get", other_account.host_params(id=theirs))
    before.pop("start_url")
    after.pop("start_url")
    assert after == before


def test_any_webinar_enabled_host_of_the_account_may_be_named(
    client: TestClient, account: AccountKeys, runtime: Runtime
) -> None:
    webinar_id = v1(client, "webinar/create", account.host_params(topic="T"))["id"]
    context = runtime.context
    colleague = runtime.run(
        lambda session: (
            accounts.add_user(
                session,
                account.account_id,
                email="c@acme.test",
                has_webinar=True,
                ids=context.issuer.ids,
                now=context.clock.now(),
            ).host_id
        ),
        writes=True,
    )

    body: dict[str, Any] = v1(
        client, "webinar/get", account.host_params(host_id=colleague, id=webinar_id)
    )

    assert (body["id"], body["host_id"]) == (webinar_id, account.host_id)


@pytest.mark.parametrize("action", ID_ACTIONS)
def test_a_deleted_webinar_answers_like_one_that_never_existed(
    action: str, client: TestClient, account: AccountKeys
) -> None:
    gone = v1(client, "webinar/create", account.host_params(topic="Gone"))["id"]
    v1(client, "webinar/delete", account.host_params(id=gone))

    deleted = client.post(f"/v1/{action}", data=account.host_params(id=gone, topic="Again"))
    never = client.post(f"/v1/{action}", data=account.host_params(id="1000000001", topic="Again"))

    assert deleted.json() == error(3001, f"Webinar {gone} not found or expired.")
    assert deleted.content == never.content.replace(b"1000000001", str(gone).encode())


@pytest.mark.parametrize("action", ["webinar/registrants/approve", "webinar/registration/cancel"])
def test_another_accounts_registrant_answers_like_one_that_never_existed(
    action: str, client: TestClient, account: AccountKeys, other_account: AccountKeys
) -> None:
    theirs = v1(
        client,
        "webinar/create",
        other_account.host_params(topic="T", approval_type=1, start_time="2030-01-01T10:00:00Z"),
    )["id"]
    their_registrant = v1(
        client,
        "webinar/register",
        other_account.credentials(id=theirs, email="o@x.test", first_name="O", last_name="P"),
    )["registrant_id"]
    mine = v1(
        client,
        "webinar/create",
        account.host_params(topic="M", approval_type=1, start_time="2030-01-01T10:00:00Z"),
    )["id"]

    foreign = client.post(
        f"/v1/{action}", data=account.host_params(id=mine, registrant_ids=their_registrant)
    )
    never = client.post(
        f"/v1/{action}", data=account.host_params(id=mine, registrant_ids="AAAAAAAAAAAAAAAAAAAAAA")
    )

    assert foreign.json()["error"]["code"] == 300
    assert foreign.content == never.content.replace(
        b"AAAAAAAAAAAAAAAAAAAAAA", their_registrant.encode()
    )
    pending = v1(client, "webinar/registrants/list", other_account.host_params(id=theirs, type=0))
    assert [user["id"] for user in pending["users"]] == [their_registrant]
