"""v2 webinars: create, get, list, update, delete, end — and the same rows seen through v1."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import Webinar
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.expect import check_start_url, stored_webinar
from tests.http.helpers import error as v1_error
from tests.http.helpers import v1
from tests.http.v2_helpers import V2, error, invalid, webinar_body

SETTINGS = {
    "approval_type": 2,
    "registration_type": 1,
    "audio": "both",
    "auto_recording": "local",
    "host_video": True,
    "panelists_video": True,
    "practice_session": False,
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "email_language": "",
    "registrants_confirmation_email": True,
    "registrants_email_notification": True,
}


def expected(session: Session, webinar_id: int, **overrides: Any) -> dict[str, Any]:
    """The v2 webinar object of a stored webinar (start_url checked apart)."""
    stored = stored_webinar(session, webinar_id)
    body: dict[str, Any] = {
        "uuid": stored.uuid,
        "id": webinar_id,
        "host_id": stored.host.host_id,
        "host_email": "host@acme.test",
        "topic": "Launch",
        "type": 5,
        "start_time": "2026-02-01T15:00:00Z",
        "duration": 60,
        "timezone": "UTC",
        "agenda": "",
        "created_at": "2026-01-15T12:00:00Z",
        "join_url": f"{PUBLIC_URL}/j/{webinar_id}",
        "password": "",
        "settings": SETTINGS,
        "is_simulive": False,
        "creation_source": "open_api",
    }
    return body | overrides


def test_create_answers_201_with_the_webinar(
    v2: V2, session: Session, runtime: Runtime, account: AccountKeys
) -> None:
    response = v2.post("/users/me/webinars", {**webinar_body(), "user_id": "me", "id": 7})

    assert response.status_code == 201
    body = response.json()
    check_start_url(runtime, body, account.host_id)
    assert body == expected(session, body["id"])


def test_create_recurring_with_local_start_time_and_registration(
    v2: V2, session: Session, runtime: Runtime, account: AccountKeys
) -> None:
    response = v2.post(
        "/users/me/webinars",
        {
            "topic": "Series",
            "type": 9,
            "start_time": "2026-02-02T12:00:00",  # local: America/New_York
            "timezone": "America/New_York",
            "duration": 45,
            "recurrence": {"type": 2, "weekly_days": "2,4", "end_times": 3},
            "settings": {"approval_type": 1, "registration_type": 2, "audio": "voip"},
        },
    )

    assert response.status_code == 201
    body = response.json()
    check_start_url(runtime, body, account.host_id)
    webinar_id = body["id"]
    occurrences = [
        ("1770051600000", "2026-02-02T17:00:00Z"),
        ("1770224400000", "2026-02-04T17:00:00Z"),
        ("1770656400000", "2026-02-09T17:00:00Z"),
    ]
    assert body == expected(
        session,
        webinar_id,
        topic="Series",
        type=9,
        start_time="2026-02-02T17:00:00Z",
        duration=45,
        timezone="America/New_York",
        settings=SETTINGS | {"approval_type": 1, "registration_type": 2, "audio": "voip"},
        registration_url=f"{PUBLIC_URL}/webinar/register/{webinar_id}",
        occurrences=[
            {"occurrence_id": key, "start_time": start, "duration": 45, "status": "available"}
            for key, start in occurrences
        ],
        recurrence={"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 3},
    )


def test_get_by_id_or_uuid_and_as_an_occurrence(
    v2: V2, account: AccountKeys, clock: FixedClock
) -> None:
    created = v2.post(
        "/users/me/webinars",
        webinar_body(type=9, recurrence={"type": 1, "end_times": 2}),
    ).json()
    created.pop("start_url")
    _first, second = created["occurrences"]
    clock.advance(days=17, hours=4)  # the first occurrence (Feb 1st, 15:00-16:00) is over
    v2.renew(account)
    uuid = quote(quote(created["uuid"], safe=""), safe="")  # Zoom's rule: encoded twice

    by_id = v2.get(f"/webinars/{created['id']}").json()
    by_uuid = v2.get(f"/webinars/{uuid}", show_previous_occurrences="True").json()
    as_second = v2.get(f"/webinars/{created['id']}", occurrence_id=second["occurrence_id"]).json()

    for body in (by_id, by_uuid, as_second):
        body.pop("start_url")
    assert by_id == created | {"occurrences": [second]}
    assert by_uuid == created
    assert as_second == created | {
        "occurrences": [second],
        "start_time": second["start_time"],
    }


def test_list_scheduled_and_upcoming_by_page_and_token(
    v2: V2, account: AccountKeys, clock: FixedClock
) -> None:
    ids = [
        v2.post(
            "/users/me/webinars", webinar_body(topic=f"W{n}", start_time=f"2026-02-0{n}T10:00:00Z")
        ).json()["id"]
        for n in (1, 2, 3)
    ]
    clock.advance(days=17)  # W1 (Feb 1st, one hour) is over
    v2.renew(account)

    first = v2.get(f"/users/{account.host_id}/webinars", page_size=2).json()
    second = v2.get(
        "/users/host@acme.test/webinars", page_size=2, next_page_token=first["next_page_token"]
    ).json()
    upcoming = v2.get("/users/me/webinars", type="upcoming").json()

    assert [w["id"] for w in first.pop("webinars")] == ids[:2]
    assert first.pop("next_page_token") != ""
    assert first == {"page_count": 2, "page_number": 1, "page_size": 2, "total_records": 3}
    assert second == {
        "page_count": 2,
        "page_number": 2,
        "page_size": 2,
        "total_records": 3,
        "next_page_token": "",
        "webinars": [
            {
                "uuid": second["webinars"][0]["uuid"],
                "id": ids[2],
                "host_id": account.host_id,
                "topic": "W3",
                "type": 5,
                "start_time": "2026-02-03T10:00:00Z",
                "duration": 60,
                "timezone": "UTC",
                "agenda": "",
                "created_at": "2026-01-15T12:00:00Z",
                "join_url": f"{PUBLIC_URL}/j/{ids[2]}",
                "is_simulive": False,
            }
        ],
    }
    assert [w["id"] for w in upcoming["webinars"]] == ids[1:]


def test_page_tokens_of_another_listing_or_too_old_are_refused(v2: V2, clock: FixedClock) -> None:
    for n in range(3):
        v2.post("/users/me/webinars", webinar_body(topic=f"W{n}"))
    token = v2.get("/users/me/webinars", page_size=1).json()["next_page_token"]

    other_listing = v2.get("/users/me/webinars", type="upcoming", next_page_token=token)
    clock.advance(minutes=15, seconds=1)
    too_old = v2.get("/users/me/webinars", next_page_token=token)

    refused = error(300, "The next page token is invalid or expired.")
    assert (other_listing.status_code, other_listing.json()) == (400, refused)
    assert (too_old.status_code, too_old.json()) == (400, refused)


def test_users_of_other_accounts_do_not_exist(v2: V2, other_account: AccountKeys) -> None:
    theirs = v2.get(f"/users/{other_account.host_id}/webinars")
    by_mail = v2.post("/users/host@globex.test/webinars", webinar_body())

    assert (theirs.status_code, theirs.json()) == (
        404,
        error(1001, f"User does not exist: {other_account.host_id}."),
    )
    assert (by_mail.status_code, by_mail.json()) == (
        404,
        error(1001, "User does not exist: host@globex.test."),
    )


def test_patch_changes_the_webinar_v1_sees(
    v2: V2, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    response = v2.patch(
        f"/webinars/{webinar_id}",
        {
            "id": webinar_id,
            "topic": "Renamed",
            "start_time": "2026-03-01T09:30:00",
            "timezone": "Europe/Paris",
        },
    )

    assert (response.status_code, response.content) == (204, b"")
    stored = stored_webinar(session, webinar_id)
    assert (stored.topic, stored.timezone, stored.start_at) == (
        "Renamed",
        "Europe/Paris",
        datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
    )
    seen = v1(client, "webinar/get", account.host_params(id=webinar_id))
    assert (seen["topic"], seen["start_time"]) == ("Renamed", "2026-03-01T08:30:00Z")


def test_v1_webinar_is_read_and_changed_through_v2(
    v2: V2, client: TestClient, account: AccountKeys, session: Session
) -> None:
    created = v1(client, "webinar/create", account.host_params(topic="From v1", approval_type=0))
    webinar_id = created["id"]

    read = v2.get(f"/webinars/{webinar_id}").json()
    v2.patch(f"/webinars/{webinar_id}", {"settings": {"approval_type": 1}})

    assert (read["uuid"], read["topic"], read["settings"]["approval_type"]) == (
        created["uuid"],
        "From v1",
        0,
    )
    assert stored_webinar(session, webinar_id).approval_type == 1


def test_delete_and_delete_one_occurrence(
    v2: V2, client: TestClient, account: AccountKeys, session: Session
) -> None:
    series = v2.post(
        "/users/me/webinars", webinar_body(type=9, recurrence={"type": 1, "end_times": 2})
    ).json()
    single = v2.post("/users/me/webinars", webinar_body()).json()["id"]
    first = series["occurrences"][0]["occurrence_id"]

    one = v2.delete(
        f"/webinars/{series['id']}", occurrence_id=first, cancel_webinar_reminder="True"
    )
    whole = v2.delete(f"/webinars/{single}", id=single)
    again = v2.delete(f"/webinars/{single}")

    assert (one.status_code, whole.status_code) == (204, 204)
    assert [o.is_deleted for o in stored_webinar(session, series["id"]).occurrences] == [
        True,
        False,
    ]
    assert stored_webinar(session, single).deleted_at is not None
    assert (again.status_code, again.json()) == (
        404,
        error(3001, f"Webinar does not exist: {single}."),
    )
    assert v1(client, "webinar/get", account.host_params(id=single)) == v1_error(
        3001, f"Webinar {single} not found or expired."
    )


@pytest.mark.parametrize("body", [{"action": "end"}, {"status": "end"}])
def test_end_with_action_or_zoomus_status(body: dict[str, str], v2: V2, session: Session) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    response = v2.put(f"/webinars/{webinar_id}/status", body)

    assert (response.status_code, response.content) == (204, b"")
    assert stored_webinar(session, webinar_id).status == 2


def test_invalid_webinar_bodies_name_each_field_and_write_nothing(v2: V2, session: Session) -> None:
    response = v2.post(
        "/users/me/webinars",
        {
            "topic": 5,
            "type": 7,
            "duration": 50000,
            "timezone": "Mars/Olympus",
            "settings": {"approval_type": "1", "audio": "loud"},
        },
    )
    no_end = v2.put("/webinars/1234567890/status", {"action": "start"})

    assert (response.status_code, response.json()) == (
        400,
        invalid(
            topic="Input should be a valid string",
            type="Input should be 5, 6 or 9",
            duration="Input should be less than or equal to 43200",
            timezone="It must be an IANA time zone name, such as America/New_York.",
            **{
                "settings.approval_type": "Input should be 0, 1 or 2",
                "settings.audio": "Input should be 'both', 'telephony' or 'voip'",
            },
        ),
    )
    assert (no_end.status_code, no_end.json()) == (
        400,
        invalid(action="Input should be 'end'"),
    )
    assert session.execute(select(func.count()).select_from(Webinar)).scalar_one() == 0


def test_rules_of_the_services_answer_in_v2_terms(v2: V2) -> None:
    no_topic = v2.post("/users/me/webinars", {"topic": "  "})
    no_recurrence = v2.post("/users/me/webinars", webinar_body(type=9))
    bad_rule = v2.post(
        "/users/me/webinars", webinar_body(type=9, recurrence={"type": 2, "repeat_interval": 13})
    )

    assert (no_topic.status_code, no_topic.json()) == (
        400,
        invalid(topic="This field is required."),
    )
    assert no_recurrence.json() == invalid(recurrence="This field is required.")
    assert bad_rule.json() == invalid(recurrence="repeat_interval must be from 1 to 12.")
