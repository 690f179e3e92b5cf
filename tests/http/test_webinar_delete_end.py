from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import WebinarInstance
from tests.conftest import NOW, AccountKeys
from tests.http.expect import stored_webinar
from tests.http.helpers import STYLES, Style, error, v1

ACTIONS_ON_A_WEBINAR = [
    "webinar/get",
    "webinar/update",
    "webinar/delete",
    "webinar/end",
    "webinar/panelists",
]


def create(client: TestClient, account: AccountKeys, **params: object) -> int:
    return int(v1(client, "webinar/create", account.host_params(topic="T", **params))["id"])


@pytest.mark.parametrize("style", STYLES)
def test_webinar_delete_soft_deletes(
    style: Style, client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create(client, account)
    clock.advance(minutes=1)

    body = v1(client, "webinar/delete", account.host_params(id=webinar_id), style)

    assert body == {"id": str(webinar_id), "deleted_at": "2026-01-15T12:01:00Z"}
    webinar = stored_webinar(session, webinar_id)
    assert webinar.deleted_at is not None
    assert webinar.deleted_at.isoformat() == "2026-01-15T12:01:00+00:00"


@pytest.mark.parametrize("action", ACTIONS_ON_A_WEBINAR)
def test_deleted_webinar_answers_like_unknown_one(
    action: str, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create(client, account)
    v1(client, "webinar/delete", account.host_params(id=webinar_id))

    body = v1(client, action, account.host_params(id=webinar_id))

    assert body == error(3001, f"Webinar {webinar_id} not found or expired.")


def test_webinar_delete_one_occurrence(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(
        client,
        account,
        type=9,
        start_time="2026-02-01T10:00:00Z",
        recurrence=json.dumps({"type": 1, "end_times": 3}),
    )

    body = v1(
        client, "webinar/delete", account.host_params(id=webinar_id, occurrence_id="1770026400000")
    )

    assert body == {"id": str(webinar_id), "deleted_at": "2026-01-15T12:00:00Z"}
    got = v1(client, "webinar/get", account.host_params(id=webinar_id))
    assert [(o["occurrence_id"], o["status"]) for o in got["occurrences"]] == [
        ("1769940000000", "available"),
        ("1770026400000", "deleted"),
        ("1770112800000", "available"),
    ]
    assert stored_webinar(session, webinar_id).deleted_at is None


@pytest.mark.parametrize("occurrence_id", ["1770026400001", "abc", "1770026400000"])
def test_webinar_delete_bad_occurrence_is_3000(
    occurrence_id: str, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(
        client,
        account,
        type=9,
        start_time="2026-02-01T10:00:00Z",
        recurrence=json.dumps({"type": 1, "end_times": 3}),
    )
    if occurrence_id == "1770026400000":  # already deleted
        v1(
            client,
            "webinar/delete",
            account.host_params(id=webinar_id, occurrence_id=occurrence_id),
        )

    body = v1(
        client, "webinar/delete", account.host_params(id=webinar_id, occurrence_id=occurrence_id)
    )

    assert body == error(3000, f"Invalid occurrence_id: {occurrence_id}")
    assert stored_webinar(session, webinar_id).deleted_at is None


def test_webinar_delete_occurrence_of_a_one_off_webinar_is_3000(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create(client, account)

    body = v1(client, "webinar/delete", account.host_params(id=webinar_id, occurrence_id="1"))

    assert body == error(3000, "Invalid occurrence_id: 1")


@pytest.mark.parametrize("style", STYLES)
def test_webinar_end_sets_status_2_without_a_session(
    style: Style, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(client, account)

    body = v1(client, "webinar/end", account.host_params(id=webinar_id), style)

    assert body == {"id": str(webinar_id), "ended_at": "2026-01-15T12:00:00Z"}
    webinar = stored_webinar(session, webinar_id)
    assert (webinar.status, webinar.ended_at) == (2, NOW)
    assert session.execute(select(WebinarInstance)).scalars().all() == []
    got = v1(client, "webinar/get", account.host_params(id=webinar_id))
    assert got["status"] == 2


def test_webinar_end_closes_the_running_session(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create(client, account)
    webinar = stored_webinar(session, webinar_id)
    session.add(WebinarInstance(uuid="abc", webinar_seq=webinar.seq, started_at=NOW))
    session.flush()
    clock.advance(minutes=42)

    v1(client, "webinar/end", account.host_params(id=webinar_id))

    session.expire_all()
    instance = session.execute(select(WebinarInstance)).scalar_one()
    assert instance.ended_at is not None
    assert instance.ended_at.isoformat() == "2026-01-15T12:42:00+00:00"
