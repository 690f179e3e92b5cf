from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys, make_account
from tests.http.helpers import STYLES, Style, error, v1


def create(
    client: TestClient, account: AccountKeys, topic: str, **params: object
) -> dict[str, Any]:
    body: dict[str, Any] = v1(client, "webinar/create", account.host_params(topic=topic, **params))
    return body


def topics(body: dict[str, Any]) -> list[str]:
    return [webinar["topic"] for webinar in body["webinars"]]


def without_start_urls(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in w.items() if k != "start_url"} for w in body["webinars"]]


@pytest.mark.parametrize("style", STYLES)
def test_webinar_list_pages_registrationless_webinars(
    style: Style, client: TestClient, account: AccountKeys
) -> None:
    created = [
        create(client, account, f"W{n}", start_time=f"2026-02-0{n}T10:00:00Z") for n in (3, 1, 2)
    ]
    create(client, account, "With registration", approval_type=0)

    body = v1(client, "webinar/list", account.host_params(page_size=2, page_number=1), style)

    by_topic = {webinar["topic"]: webinar for webinar in created}
    expected = [{k: v for k, v in by_topic[t].items() if k != "start_url"} for t in ("W1", "W2")]
    assert {k: v for k, v in body.items() if k != "webinars"} == {
        "page_count": 2,
        "page_number": 1,
        "page_size": 2,
        "total_records": 3,
    }
    assert without_start_urls(body) == expected


def test_webinar_list_last_and_past_pages(client: TestClient, account: AccountKeys) -> None:
    for n in range(3):
        create(client, account, f"W{n}")

    last = v1(client, "webinar/list", account.host_params(page_size=2, page_number=2))
    past = v1(client, "webinar/list", account.host_params(page_size=2, page_number=3))

    assert (last["page_count"], last["page_number"], topics(last)) == (2, 2, ["W2"])
    assert past == {
        "page_count": 2,
        "page_number": 3,
        "page_size": 2,
        "total_records": 3,
        "webinars": [],
    }


def test_webinar_list_empty(client: TestClient, account: AccountKeys) -> None:
    body = v1(client, "webinar/list", account.host_params(start_time="2020-01-01T00:00:00Z"))

    assert body == {
        "page_count": 0,
        "page_number": 1,
        "page_size": 30,
        "total_records": 0,
        "webinars": [],
    }


def test_webinar_list_caps_page_size_at_300(client: TestClient, account: AccountKeys) -> None:
    body = v1(client, "webinar/list", account.host_params(page_size=1000))

    assert (body["page_size"], body["page_count"]) == (300, 0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page_size": "0"}, "Invalid parameter: page_size. It must be from 1 to 1000000000."),
        ({"page_size": "ten"}, "Invalid parameter: page_size. It must be a whole number."),
        ({"page_number": "0"}, "Invalid parameter: page_number. It must be from 1 to 1000000000."),
        ({"page_number": "-1"}, "Invalid parameter: page_number. It must be from 1 to 1000000000."),
    ],
)
def test_webinar_list_rejects_bad_paging(
    params: dict[str, str], message: str, client: TestClient, account: AccountKeys
) -> None:
    assert v1(client, "webinar/list", account.host_params(**params)) == error(300, message)


def test_webinar_list_shows_only_that_hosts_webinars(
    client: TestClient, account: AccountKeys, runtime: Runtime
) -> None:
    create(client, account, "Mine")
    other = make_account(runtime, "Other", "o@o.test")
    create(client, other, "Theirs")

    assert topics(v1(client, "webinar/list", account.host_params())) == ["Mine"]


def test_webinar_list_registration_shows_upcoming_webinars_with_registration(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    create(client, account, "No registration", start_time="2026-02-01T10:00:00Z")
    create(client, account, "Past", approval_type=0, start_time="2026-01-10T10:00:00Z")
    create(client, account, "Later", approval_type=1, start_time="2026-03-01T10:00:00Z")
    create(client, account, "Sooner", approval_type=0, start_time="2026-02-01T10:00:00Z")
    create(client, account, "Anytime", approval_type=0, type=6)
    create(client, account, "Running now", approval_type=0, start_time="2026-01-15T11:30:00Z")
    ended = create(client, account, "Ended", approval_type=0, start_time="2026-02-01T10:00:00Z")
    v1(client, "webinar/end", account.host_params(id=ended["id"]))
    create(
        client,
        account,
        "Series",
        approval_type=0,
        type=9,
        start_time="2026-01-10T10:00:00Z",
        recurrence=json.dumps({"type": 2, "end_times": 3}),
    )

    body = v1(client, "webinar/list/registration", account.host_params())

    assert topics(body) == ["Series", "Running now", "Sooner", "Later", "Anytime"]
    assert body["total_records"] == 5
    clock.advance(days=60)
    later = v1(client, "webinar/list/registration", account.host_params())
    assert topics(later) == ["Anytime"]
