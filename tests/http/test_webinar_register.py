from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import Account, Webinar
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.helpers import STYLES, Style, error, v1
from tests.http.registration_helpers import (
    SERIES_OCCURRENCES,
    create_series,
    create_webinar,
    occurrence_rows,
    personal_link,
    register,
    registrant_rows,
    statuses,
)


@pytest.mark.parametrize("style", STYLES)
def test_webinar_register_approves_at_once_with_automatic_approval(
    style: Style, client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0)

    body = v1(
        client,
        "webinar/register",
        account.credentials(
            id=webinar_id,
            email="Ada@Example.COM",
            first_name=" Ada ",
            last_name="Lovelace",
            host_id="ignored-on-register",
        ),
        style,
    )

    [row] = registrant_rows(session)
    assert body == {
        "registrant_id": row.registrant_id,
        "id": webinar_id,
        "topic": "Launch",
        "start_time": "2026-02-01T10:00:00Z",
        "join_url": personal_link(runtime, webinar_id, row),
    }
    assert (row.email, row.email_key, row.first_name, row.status, row.position) == (
        "Ada@example.com",
        "ada@example.com",
        "Ada",
        "approved",
        1,
    )
    assert len(row.registrant_id) == 22
    assert len(body["join_url"].rsplit("tk=", 1)[1]) == 43  # 256 bits


def test_webinar_register_waits_for_approval_with_manual_approval(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)

    register(client, account, webinar_id, "ada@example.com")

    assert statuses(session) == {"ada@example.com": "pending"}


def test_webinar_register_stores_every_field(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    fields = {
        "address": " 1 Main St ",
        "city": "Zoomville",
        "country": "US",
        "zip": "94000",
        "state": "CA",
        "phone": "+1 555",
        "industry": "Tech",
        "org": "Acme",
        "job_title": "CTO",
        "purchasing_time_frame": "1-3 months",
        "role_in_purchase_process": "Decision Maker",
        "no_of_employees": "1,001-5,001",
        "comments": "Line 1\nLine 2",
        "language": "zh-CN",
        "custom_questions": json.dumps([{"title": " Size ", "value": "XL"}]),
    }

    register(client, account, webinar_id, "ada@example.com", **fields)

    [row] = registrant_rows(session)
    assert {name: getattr(row, name) for name in fields} == {
        **fields,
        "address": "1 Main St",
        "custom_questions": '[{"title": "Size", "value": "XL"}]',
    }


def test_webinar_register_same_email_gives_the_same_registrant(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)

    first = register(client, account, webinar_id, "ada@example.com")
    again = register(client, account, webinar_id, "ADA@example.com", first_name="Other")

    assert again == first
    assert [(r.email, r.first_name) for r in registrant_rows(session)] == [
        ("ada@example.com", "Ada")
    ]


def test_webinar_register_reactivates_a_cancelled_registrant_with_a_new_link(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    first = register(client, account, webinar_id, "ada@example.com")
    v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=first["registrant_id"]),
    )

    again = register(client, account, webinar_id, "ada@example.com")

    [row] = registrant_rows(session)
    assert again["registrant_id"] == first["registrant_id"]
    assert again["join_url"] != first["join_url"]
    assert again["join_url"] == personal_link(runtime, webinar_id, row)
    assert row.status == "approved"


def set_capacity(session: Session, account: AccountKeys, capacity: int) -> None:
    session.get_one(Account, account.account_id).capacity = capacity
    session.flush()


def seats_taken(session: Session, webinar_id: int) -> int:
    session.expire_all()
    return session.execute(select(Webinar.seats_taken).where(Webinar.id == webinar_id)).scalar_one()


def test_webinar_register_over_capacity_is_3035(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    set_capacity(session, account, 2)
    webinar_id = create_webinar(client, account)
    register(client, account, webinar_id, "a@x.io")
    second = register(client, account, webinar_id, "b@x.io")

    third = register(client, account, webinar_id, "c@x.io")
    same_again = register(client, account, webinar_id, "b@x.io")

    assert third == error(3035, "Webinar has reached maximum attendee capacity.")
    assert same_again == second
    assert sorted(statuses(session)) == ["a@x.io", "b@x.io"]
    assert seats_taken(session, webinar_id) == 2


def test_webinar_register_cancellation_frees_a_seat(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    set_capacity(session, account, 1)
    webinar_id = create_webinar(client, account)
    first = register(client, account, webinar_id, "a@x.io")
    v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=first["registrant_id"]),
    )

    second = register(client, account, webinar_id, "b@x.io")
    back = register(client, account, webinar_id, "a@x.io")

    assert "registrant_id" in second
    assert back == error(3035, "Webinar has reached maximum attendee capacity.")
    assert statuses(session) == {"a@x.io": "cancelled", "b@x.io": "approved"}
    assert seats_taken(session, webinar_id) == 1


def test_webinar_register_without_registration_is_3000(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)

    body = register(client, account, webinar_id, "a@x.io")

    assert body == error(3000, f"This Webinar has not registration required: {webinar_id}")
    assert registrant_rows(session) == []


def test_webinar_register_after_the_end_is_3038(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    v1(client, "webinar/end", account.host_params(id=webinar_id))

    body = register(client, account, webinar_id, "a@x.io")

    assert body == error(3038, "Webinar is over, you can not register now.")
    assert registrant_rows(session) == []


def test_webinar_register_after_the_scheduled_time_is_3038(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, duration=60)
    clock.set(clock.now().replace(month=2, day=1, hour=11, minute=0))

    body = register(client, account, webinar_id, "a@x.io")

    assert body == error(3038, "Webinar is over, you can not register now.")
    assert registrant_rows(session) == []


def test_webinar_register_for_chosen_occurrences(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=3)

    body = register(
        client,
        account,
        webinar_id,
        "a@x.io",
        occurrence_ids=f"{SERIES_OCCURRENCES[2]}, {SERIES_OCCURRENCES[1]}",
    )
    again = register(client, account, webinar_id, "a@x.io", occurrence_ids=SERIES_OCCURRENCES[0])

    assert body["start_time"] == "2026-02-02T10:00:00Z"
    assert again["start_time"] == "2026-02-01T10:00:00Z"
    [row] = registrant_rows(session)
    assert [cancelled for _, cancelled in occurrence_rows(session, row)] == [False] * 3


def test_webinar_register_once_for_all_starts_at_the_next_occurrence(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    webinar_id = create_series(client, account, registration_type=1)
    clock.set(clock.now().replace(month=2, day=1, hour=12))

    body = register(client, account, webinar_id, "a@x.io")

    assert body["start_time"] == "2026-02-02T10:00:00Z"


@pytest.mark.parametrize("registration_type", [2, 3])
def test_webinar_register_per_occurrence_needs_occurrence_ids(
    registration_type: int, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=registration_type)

    body = register(client, account, webinar_id, "a@x.io", occurrence_ids=" , ")

    assert body == error(
        300,
        "Invalid parameter: occurrence_ids. "
        "This webinar registers per occurrence: name one or more.",
    )
    assert registrant_rows(session) == []


@pytest.mark.parametrize("bad", ["123", "1769940000001", "abc"])
def test_webinar_register_invalid_occurrence_is_3000(
    bad: str, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=2)

    body = register(
        client, account, webinar_id, "a@x.io", occurrence_ids=f"{SERIES_OCCURRENCES[0]},{bad}"
    )

    assert body == error(3000, f"Invalid occurrence_id: {bad}")
    assert registrant_rows(session) == []


def test_webinar_register_deleted_or_past_occurrence_is_3000(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=2)
    v1(
        client,
        "webinar/delete",
        account.host_params(id=webinar_id, occurrence_id=SERIES_OCCURRENCES[1]),
    )
    deleted = register(client, account, webinar_id, "a@x.io", occurrence_ids=SERIES_OCCURRENCES[1])
    clock.set(clock.now().replace(month=2, day=1, hour=12))

    past = register(client, account, webinar_id, "a@x.io", occurrence_ids=SERIES_OCCURRENCES[0])

    assert deleted == error(3000, f"Invalid occurrence_id: {SERIES_OCCURRENCES[1]}")
    assert past == error(3000, f"Invalid occurrence_id: {SERIES_OCCURRENCES[0]}")
    assert registrant_rows(session) == []


def test_webinar_register_occurrence_of_a_one_off_webinar_is_3000(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)

    body = register(client, account, webinar_id, "a@x.io", occurrence_ids="1769940000000")

    assert body == error(3000, "Invalid occurrence_id: 1769940000000")


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"email": "not-an-email"}, "Invalid parameter: email. An email address must have an @-sign."),
    (
        {"email": "a@b@c.io"},
        "Invalid parameter: email. The part after the @-sign contains invalid characters: '@'.",
    ),
    ({"first_name": "x" * 301}, "Invalid parameter: first_name. It is longer than 300 characters."),
    ({"last_name": "a\rb"}, "Invalid parameter: last_name. It contains control characters."),
    ({"city": "a\x1bb"}, "Invalid parameter: city. It contains control characters."),
    (
        {"purchasing_time_frame": "Soon"},
        "Invalid parameter: purchasing_time_frame. It must be one "
        "of Within a month, 1-3 months, 4-6 months, More than 6 months, No timeframe.",
    ),
    (
        {"role_in_purchase_process": "Boss"},
        "Invalid parameter: role_in_purchase_process. It must "
        "be one of Decision Maker, Evaluator/Recommender, Influencer, Not involved.",
    ),
    (
        {"no_of_employees": "7"},
        "Invalid parameter: no_of_employees. It must be one of 1-20, "
        "21-50, 51-100, 101-250, 251-500, 501-1,000, 1,001-5,000, 1,001-5,001, 5,001-10,000, "
        "More than 10,000.",
    ),
    (
        {"language": "de-DE"},
        "Invalid parameter: language. It must be one of en-US, en, zh-CN, "
        "zh, en-ES, es, fr-FR, fr.",
    ),
    ({"custom_questions": "{"}, "Invalid parameter: custom_questions. It is not valid JSON."),
    (
        {"custom_questions": "{}"},
        "Invalid parameter: custom_questions. It must be a JSON array of at most 50 objects.",
    ),
    (
        {"custom_questions": '[{"title": "a"}]'},
        'Invalid parameter: custom_questions. Each item needs "title" and "value" strings.',
    ),
    (
        {"custom_questions": '[{"title": " ", "value": "v"}]'},
        "Invalid parameter: custom_questions."
        " A title needs 1 to 300 characters, a value at most 2000.",
    ),
]


@pytest.mark.parametrize(("params", "message"), INVALID)
def test_webinar_register_rejects_invalid_value(
    params: dict[str, Any],
    message: str,
    client: TestClient,
    account: AccountKeys,
    session: Session,
) -> None:
    webinar_id = create_webinar(client, account)
    form = account.credentials(id=webinar_id, email="a@x.io", first_name="A", last_name="B")

    body = v1(client, "webinar/register", {**form, **params})

    assert body == error(300, message)
    assert registrant_rows(session) == []


@pytest.mark.parametrize("missing", ["id", "email", "first_name", "last_name"])
def test_webinar_register_rejects_missing_param(
    missing: str, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    form = account.credentials(id=webinar_id, email="a@x.io", first_name="A", last_name="B")
    del form[missing]

    assert v1(client, "webinar/register", form) == error(300, f"{missing} is required.")
    assert registrant_rows(session) == []
