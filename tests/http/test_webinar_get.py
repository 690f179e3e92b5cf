from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.expect import check_start_url, stored_webinar, webinar_body
from tests.http.helpers import STYLES, Style, error, v1


def create(client: TestClient, account: AccountKeys, **params: object) -> int:
    body = v1(client, "webinar/create", account.host_params(topic="T", **params))
    return int(body["id"])


@pytest.mark.parametrize("style", STYLES)
def test_webinar_get_answers_webinar_with_empty_occurrences(
    style: Style, client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create(client, account)

    body = v1(client, "webinar/get", account.host_params(id=webinar_id), style)

    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(
        stored_webinar(session, webinar_id), account.host_id, topic="T", occurrences=[]
    )


def test_webinar_get_lists_occurrences_in_time_order(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    recurrence = {"type": 2, "weekly_days": "2,6", "end_times": 3}
    webinar_id = create(
        client,
        account,
        type=9,
        start_time="2026-02-02T17:00:00Z",
        duration=45,
        timezone="America/New_York",
        recurrence=json.dumps(recurrence),
    )

    body = v1(client, "webinar/get", account.host_params(id=f" {webinar_id} "))

    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(
        stored_webinar(session, webinar_id),
        account.host_id,
        topic="T",
        type=9,
        start_time="2026-02-02T17:00:00Z",
        duration=45,
        timezone="America/New_York",
        occurrences=[
            {
                "occurrence_id": "1770051600000",
                "start_time": "2026-02-02T17:00:00Z",
                "duration": 45,
                "status": "available",
            },
            {
                "occurrence_id": "1770397200000",
                "start_time": "2026-02-06T17:00:00Z",
                "duration": 45,
                "status": "available",
            },
            {
                "occurrence_id": "1770656400000",
                "start_time": "2026-02-09T17:00:00Z",
                "duration": 45,
                "status": "available",
            },
        ],
    )


@pytest.mark.parametrize(
    "webinar_id", ["999999999", "abc", "0", "-5", "123456789012345678901", "²", "١٢٣"]
)
def test_webinar_get_unknown_id_is_3001(
    webinar_id: str, client: TestClient, account: AccountKeys
) -> None:
    body = v1(client, "webinar/get", account.host_params(id=webinar_id))

    assert body == error(3001, f"Webinar {webinar_id} not found or expired.")


@pytest.mark.parametrize("missing", ["id", "host_id"])
def test_webinar_get_rejects_missing_param(
    missing: str, client: TestClient, account: AccountKeys
) -> None:
    params = account.host_params(id="1234567890")
    del params[missing]

    assert v1(client, "webinar/get", params) == error(300, f"{missing} is required.")
