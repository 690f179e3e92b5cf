"""Denied registrants (the host's refusal; docs/decisions.md): no seat, no link, seen as
"denied" by v1, not undone by registering again, undone by approving."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Registrant, Webinar
from podium.errors import InvalidParameter
from podium.services import lookup, registrants
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import v1
from tests.http.registration_helpers import create_webinar, register, statuses


def seats(session: Session, webinar_id: int) -> int:
    session.expire_all()
    return session.execute(select(Webinar.seats_taken).where(Webinar.id == webinar_id)).scalar_one()


def test_a_denied_registrant_loses_seat_and_link_and_stays_denied(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ann = register(client, account, webinar_id, "ann@x.io")
    register(client, account, webinar_id, "bob@x.io")
    webinar = lookup.find_webinar(session, webinar_id, account_id=account.account_id)

    denied = registrants.deny(session, webinar, [ann["registrant_id"]], name="registrants", now=NOW)

    assert [r.email for r in denied] == ["ann@x.io"]
    assert statuses(session) == {"ann@x.io": "denied", "bob@x.io": "pending"}
    assert seats(session, webinar_id) == 1
    listed = v1(client, "webinar/registration", account.host_params(id=webinar_id))
    assert [
        (a["email"], a["approval"], a["registration_url"] == "") for a in listed["attendees"]
    ] == [
        ("ann@x.io", "denied", True),
        ("bob@x.io", "pending", False),
    ]
    pending = v1(client, "webinar/registrants/list", account.host_params(id=webinar_id, type=0))
    assert [user["email"] for user in pending["users"]] == ["bob@x.io"]
    page = client.get(ann["join_url"].replace("https://podium.test", ""))
    assert page.status_code == 403
    assert "This registration was declined by the host." in page.text

    again = register(client, account, webinar_id, "ann@x.io", first_name="Ann")

    assert (again["registrant_id"], again["join_url"]) == (ann["registrant_id"], "")
    assert statuses(session)["ann@x.io"] == "denied"
    assert seats(session, webinar_id) == 1


def test_approving_a_denied_registrant_gives_the_seat_back(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ann = register(client, account, webinar_id, "ann@x.io")
    webinar = lookup.find_webinar(session, webinar_id, account_id=account.account_id)
    registrants.deny(session, webinar, [ann["registrant_id"]], name="registrants", now=NOW)

    answer = v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar_id, registrant_ids=ann["registrant_id"]),
    )

    assert answer == {"id": str(webinar_id), "updated_at": "2026-01-15T12:00:00Z"}
    assert statuses(session) == {"ann@x.io": "approved"}
    assert seats(session, webinar_id) == 1


def test_a_cancelled_registrant_cannot_be_denied(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ann = register(client, account, webinar_id, "ann@x.io")
    ids = {"id": webinar_id, "registrant_ids": ann["registrant_id"]}
    v1(client, "webinar/registration/cancel", account.host_params(**ids))
    webinar = lookup.find_webinar(session, webinar_id, account_id=account.account_id)

    with pytest.raises(InvalidParameter) as refused:
        registrants.deny(session, webinar, [ann["registrant_id"]], name="registrants", now=NOW)

    assert str(refused.value) == (
        f"Invalid parameter: registrants. {ann['registrant_id']} is cancelled; "
        "there is nothing to deny."
    )
    assert session.execute(select(Registrant.status)).scalars().all() == ["cancelled"]
