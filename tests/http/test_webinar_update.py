from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from tests.conftest import AccountKeys
from tests.http.expect import stored_webinar
from tests.http.helpers import STYLES, Style, error, v1


def create(client: TestClient, account: AccountKeys, **params: object) -> int:
    body = v1(client, "webinar/create", account.host_params(topic="Before", **params))
    return int(body["id"])


def occurrence_table(
    client: TestClient, account: AccountKeys, webinar_id: int
) -> list[tuple[str, int, str]]:
    body = v1(client, "webinar/get", account.host_params(id=webinar_id))
    return [(o["start_time"], o["duration"], o["status"]) for o in body["occurrences"]]


@pytest.mark.parametrize("style", STYLES)
def test_webinar_update_changes_only_supplied_fields(
    style: Style, client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create(client, account, agenda="Keep me", duration=30, option_audio="voip")
    clock.advance(minutes=5)

    body = v1(
        client,
        "webinar/update",
        account.host_params(id=webinar_id, topic="After", duration="", agenda=""),
        style,
    )

    assert body == {"id": str(webinar_id), "updated_at": "2026-01-15T12:05:00Z"}
    webinar = stored_webinar(session, webinar_id)
    assert (webinar.topic, webinar.agenda, webinar.duration) == ("After", "Keep me", 30)
    assert webinar.option_audio == "voip"
    assert webinar.updated_at.isoformat() == "2026-01-15T12:05:00+00:00"
    assert webinar.created_at.isoformat() == "2026-01-15T12:00:00+00:00"


def test_webinar_update_echoes_the_id_as_a_string(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create(client, account)

    body = v1(client, "webinar/update", account.host_params(id=webinar_id))

    assert body == {"id": str(webinar_id), "updated_at": "2026-01-15T12:00:00Z"}


def test_webinar_update_regenerates_future_occurrences_keeping_deleted_ones(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    webinar_id = create(
        client,
        account,
        type=9,
        start_time="2026-01-14T10:00:00Z",
        duration=60,
        recurrence=json.dumps({"type": 1, "end_times": 4}),
    )
    v1(client, "webinar/delete", account.host_params(id=webinar_id, occurrence_id="1768557600000"))
    clock.set(clock.now() + timedelta(hours=1))  # 13:00 on the 15th: the 14th is past

    body = v1(
        client,
        "webinar/update",
        account.host_params(
            id=webinar_id, duration=90, recurrence=json.dumps({"type": 1, "end_times": 5})
        ),
    )

    assert body == {"id": str(webinar_id), "updated_at": "2026-01-15T13:00:00Z"}
    assert occurrence_table(client, account, webinar_id) == [
        ("2026-01-14T10:00:00Z", 60, "available"),  # past: untouched
        ("2026-01-15T10:00:00Z", 60, "available"),  # started before now: past
        ("2026-01-16T10:00:00Z", 60, "deleted"),  # deleted stays deleted
        ("2026-01-17T10:00:00Z", 90, "available"),
        ("2026-01-18T10:00:00Z", 90, "available"),
    ]


def test_webinar_update_new_start_time_moves_future_occurrences(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create(
        client,
        account,
        type=9,
        start_time="2026-02-01T10:00:00Z",
        recurrence=json.dumps({"type": 2, "end_times": 2}),
    )

    v1(
        client,
        "webinar/update",
        account.host_params(id=webinar_id, start_time="2026-02-03T08:00:00Z"),
    )

    assert occurrence_table(client, account, webinar_id) == [
        ("2026-02-03T08:00:00Z", 60, "available"),
        ("2026-02-10T08:00:00Z", 60, "available"),
    ]


def test_webinar_update_to_type_5_drops_future_occurrences(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(
        client,
        account,
        type=9,
        start_time="2026-02-01T10:00:00Z",
        recurrence=json.dumps({"type": 1, "end_times": 2}),
    )

    v1(client, "webinar/update", account.host_params(id=webinar_id, type=5))

    assert occurrence_table(client, account, webinar_id) == []
    webinar = stored_webinar(session, webinar_id)
    assert (webinar.type, webinar.recurrence, webinar.occurrences) == (5, None, [])


def test_webinar_update_to_type_9_needs_recurrence(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(client, account)

    body = v1(client, "webinar/update", account.host_params(id=webinar_id, type=9, topic="New"))

    assert body == error(300, "recurrence is required.")
    webinar = stored_webinar(session, webinar_id)
    assert (webinar.type, webinar.topic) == (5, "Before")


def test_webinar_update_registration_type_needs_type_9(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(client, account)

    body = v1(
        client, "webinar/update", account.host_params(id=webinar_id, type=5, registration_type=2)
    )

    assert body == error(
        300, "Invalid parameter: registration_type. It applies to type 9 webinars only."
    )
    assert stored_webinar(session, webinar_id).registration_type == 1


def test_webinar_update_rejects_invalid_value_and_changes_nothing(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create(client, account)

    body = v1(
        client,
        "webinar/update",
        account.host_params(id=webinar_id, topic="Changed", timezone="Nowhere/City"),
    )

    assert body == error(300, "Invalid parameter: timezone. It must be an IANA time zone name.")
    assert stored_webinar(session, webinar_id).topic == "Before"


def test_webinar_update_replaces_panelists(client: TestClient, account: AccountKeys) -> None:
    first = [{"name": "Ada", "email": "ada@x.io"}, {"name": "Bob", "email": "bob@x.io"}]
    webinar_id = create(client, account, panelists=json.dumps(first))
    second = [{"name": "Bobby", "email": "BOB@x.io"}, {"name": "Cy", "email": "cy@x.io"}]

    v1(client, "webinar/update", account.host_params(id=webinar_id, panelists=json.dumps(second)))

    body = v1(client, "webinar/panelists", account.host_params(id=webinar_id))
    assert [(p["name"], p["email"]) for p in body["panelists"]] == [
        ("Bobby", "BOB@x.io"),
        ("Cy", "cy@x.io"),
    ]
    assert body["total_records"] == 2


def test_webinar_update_unknown_webinar_is_3001(client: TestClient, account: AccountKeys) -> None:
    body = v1(client, "webinar/update", account.host_params(id="1234567890", topic="x"))

    assert body == error(3001, "Webinar 1234567890 not found or expired.")
