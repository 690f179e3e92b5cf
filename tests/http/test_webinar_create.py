from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Panelist, Webinar
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.expect import check_start_url, stored_webinar, webinar_body
from tests.http.helpers import STYLES, Style, error, v1


def webinar_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Webinar)).scalar_one()


@pytest.mark.parametrize("style", STYLES)
def test_webinar_create_answers_webinar_object(
    style: Style, client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    body = v1(client, "webinar/create", account.host_params(topic="Quarterly update"), style)

    webinar = stored_webinar(session, body["id"])
    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(webinar, account.host_id, topic="Quarterly update")
    assert isinstance(body["id"], int)
    assert 10**9 <= body["id"] < 10**11
    assert re.fullmatch(r"[A-Za-z0-9+/]{22}==", body["uuid"])
    assert webinar.account_id == account.account_id
    assert webinar.deleted_at is None


def test_webinar_create_stores_every_setting(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    params = account.host_params(
        topic="  Launch  ",
        type="5",
        start_time="2026-3-9T3:00:00.250",
        duration="90",
        timezone="Europe/Berlin",
        password="a@b-_*9",
        approval_type="0",
        agenda="Line one\nLine two",
        option_audio="voip",
        option_host_video="False",
        option_panelist_video="0",
        option_practice_session="TRUE",
        option_enforce_login="true",
        option_enforce_login_domains="acme.test",
        option_alternative_hosts="alt@acme.test",
        option_alternative_host_ids="abc",
        option_auto_record_type="cloud",
        language="fr-FR",
        data_type="JSON",
        token="ignored",
    )

    body = v1(client, "webinar/create", params)

    webinar = stored_webinar(session, body["id"])
    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(
        webinar,
        account.host_id,
        topic="Launch",
        agenda="Line one\nLine two",
        start_time="2026-03-09T03:00:00Z",
        duration=90,
        timezone="Europe/Berlin",
        registration_url=f"{PUBLIC_URL}/webinar/register/{webinar.id}",
        option_audio="voip",
        option_enforce_login=True,
        option_enforce_login_domains="acme.test",
        option_alternative_hosts="alt@acme.test",
    )
    assert (webinar.password, webinar.approval_type, webinar.language) == ("a@b-_*9", 0, "fr-FR")
    assert (webinar.option_host_video, webinar.option_panelist_video) == (False, False)
    assert (webinar.option_practice_session, webinar.option_auto_record_type) == (True, "cloud")
    assert webinar.option_alternative_host_ids == "abc"


def test_webinar_create_empty_strings_mean_absent(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    empty = dict.fromkeys(
        [
            "type",
            "start_time",
            "duration",
            "timezone",
            "password",
            "recurrence",
            "approval_type",
            "registration_type",
            "agenda",
            "option_audio",
            "option_enforce_login",
            "panelists",
            "language",
            "option_auto_record_type",
        ],
        "",
    )

    body = v1(client, "webinar/create", account.host_params(topic="Go client", **empty))

    webinar = stored_webinar(session, body["id"])
    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(webinar, account.host_id, topic="Go client")


def test_webinar_create_type_6_has_no_start_time(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    params = account.host_params(topic="Anytime", type=6, start_time="2026-05-01T10:00:00Z")

    body = v1(client, "webinar/create", params)

    webinar = stored_webinar(session, body["id"])
    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(webinar, account.host_id, topic="Anytime", type=6, start_time="")
    assert webinar.start_at is None
    assert webinar.occurrences == []


def test_webinar_create_recurring_stores_occurrences(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    recurrence = {"type": 1, "repeat_interval": 2, "end_times": 3}
    params = account.host_params(
        topic="Daily",
        type=9,
        start_time="2026-02-01T09:00:00Z",
        duration=30,
        recurrence=json.dumps(recurrence),
    )

    body = v1(client, "webinar/create", params)

    webinar = stored_webinar(session, body["id"])
    check_start_url(runtime, body, account.host_id)
    assert body == webinar_body(
        webinar,
        account.host_id,
        topic="Daily",
        type=9,
        start_time="2026-02-01T09:00:00Z",
        duration=30,
    )
    assert [(o.start_at.isoformat(), o.duration) for o in webinar.occurrences] == [
        ("2026-02-01T09:00:00+00:00", 30),
        ("2026-02-03T09:00:00+00:00", 30),
        ("2026-02-05T09:00:00+00:00", 30),
    ]


def test_webinar_create_stores_panelists(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    panelists = [{"name": "Ada", "email": "Ada@Example.com"}, {"name": "Bob", "email": "b@x.io"}]

    body = v1(
        client, "webinar/create", account.host_params(topic="P", panelists=json.dumps(panelists))
    )

    webinar = stored_webinar(session, body["id"])
    rows = session.execute(
        select(Panelist.name, Panelist.email, Panelist.email_key)
        .where(Panelist.webinar_seq == webinar.seq)
        .order_by(Panelist.id)
    ).all()
    assert [tuple(row) for row in rows] == [
        ("Ada", "Ada@example.com", "ada@example.com"),
        ("Bob", "b@x.io", "b@x.io"),
    ]


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"topic": "x" * 301}, "Invalid parameter: topic. It is longer than 300 characters."),
    ({"topic": "bad\x00topic"}, "Invalid parameter: topic. It contains control characters."),
    ({"type": "7"}, "Invalid parameter: type. It must be one of 5, 6, 9."),
    ({"type": "five"}, "Invalid parameter: type. It must be one of 5, 6, 9."),
    ({"approval_type": "3"}, "Invalid parameter: approval_type. It must be one of 0, 1, 2."),
    (
        {"registration_type": "4"},
        "Invalid parameter: registration_type. It must be one of 1, 2, 3.",
    ),
    (
        {"option_audio": "radio"},
        "Invalid parameter: option_audio. It must be one of both, telephony, voip.",
    ),
    (
        {"option_auto_record_type": "tape"},
        "Invalid parameter: option_auto_record_type. It must be one of local, cloud, none.",
    ),
    (
        {"option_enforce_login": "yes"},
        "Invalid parameter: option_enforce_login. It must be true or false.",
    ),
    (
        {"timezone": "Mars/Olympus"},
        "Invalid parameter: timezone. It must be an IANA time zone name.",
    ),
    ({"duration": "-5"}, "Invalid parameter: duration. It must be from 0 to 43200."),
    ({"duration": "1.5"}, "Invalid parameter: duration. It must be a whole number."),
    ({"duration": "99999999999999"}, "Invalid parameter: duration. It must be a whole number."),
    (
        {"password": "toolongpassword"},
        "Invalid parameter: password. Use at most 10 characters of a-z A-Z 0-9 @ - _ *.",
    ),
    (
        {"password": "pa ss"},
        "Invalid parameter: password. Use at most 10 characters of a-z A-Z 0-9 @ - _ *.",
    ),
    (
        {"start_time": "tomorrow"},
        "Invalid parameter: start_time. Use UTC time such as 2012-11-25T12:00:00Z.",
    ),
    (
        {"start_time": "2026-02-30T10:00:00Z"},
        "Invalid parameter: start_time. It is not a real date and time.",
    ),
    (
        {"language": "de"},
        "Invalid parameter: language. "
        "It must be one of en-US, en, zh-CN, zh, en-ES, es, fr-FR, fr.",
    ),
    ({"panelists": "[{"}, "Invalid parameter: panelists. It is not valid JSON."),
    (
        {"panelists": '{"name": "a"}'},
        "Invalid parameter: panelists. It must be a JSON array of at most 100 objects.",
    ),
    (
        {"panelists": '[{"name": "a"}]'},
        'Invalid parameter: panelists. Each item needs "name" and "email".',
    ),
    (
        {"panelists": '[{"email": "a@b.io"}]'},
        'Invalid parameter: panelists. Each item needs a "name".',
    ),
    (
        {"panelists": '[{"name": "a", "email": "a@b.io"}, {"name": "b", "email": "A@b.io"}]'},
        "Invalid parameter: panelists. A@b.io appears twice.",
    ),
    ({"type": "9", "recurrence": '{"type": 1}'}, "start_time is required."),
    ({"type": "9", "start_time": "2026-02-01T09:00:00Z"}, "recurrence is required."),
    ({"recurrence": "[1]"}, "Invalid parameter: recurrence. It must be a JSON object."),
]


@pytest.mark.parametrize(("params", "message"), INVALID)
def test_webinar_create_rejects_invalid_value(
    params: dict[str, Any],
    message: str,
    client: TestClient,
    account: AccountKeys,
    session: Session,
) -> None:
    body = v1(client, "webinar/create", account.host_params(**{"topic": "T", **params}))

    assert body == error(300, message)
    assert webinar_count(session) == 0


def test_webinar_create_rejects_bad_panelist_email(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    panelists = json.dumps([{"name": "a", "email": "not-an-address"}])

    body = v1(client, "webinar/create", account.host_params(topic="T", panelists=panelists))

    assert body["error"]["code"] == 300
    assert body["error"]["message"].startswith("Invalid parameter: panelists. ")
    assert "@-sign" in body["error"]["message"]
    assert webinar_count(session) == 0


@pytest.mark.parametrize("missing", ["host_id", "topic"])
def test_webinar_create_rejects_missing_param(
    missing: str, client: TestClient, account: AccountKeys, session: Session
) -> None:
    params = account.host_params(topic="T")
    del params[missing]

    body = v1(client, "webinar/create", params)

    assert body == error(300, f"{missing} is required.")
    assert webinar_count(session) == 0


def test_webinar_create_whitespace_topic_is_missing(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    body = v1(client, "webinar/create", account.host_params(topic="   "))

    assert body == error(300, "topic is required.")
    assert webinar_count(session) == 0
