"""Header injection, per field: whatever a registrant, panelist or host types, a message goes
to exactly one recipient and carries only Podium's own headers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import OutboxMessage
from podium.web.mailer import delivery_for
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.mail_sink import OWN_HEADERS, MailSink, header_names, run_async

HOSTILE = [
    "x\r\nBcc: evil@attacker.test",
    "x\nCc: evil@attacker.test",
    "x\x00Bcc: evil@attacker.test",
    "=?utf-8?q?x=0D=0ABcc:_evil@attacker.test?=",
    "x%0d%0aBcc: evil@attacker.test",
    "x\u2028Bcc: evil@attacker.test",
]
# Line breaks and NUL are refused in any field (code 300); the other values are names Podium
# keeps as typed, and sends safely. No address with any of them is accepted.
REFUSED = set(HOSTILE[:3])


def refused(field: str, value: str) -> bool:
    return field == "email" or value in REFUSED


def check_delivery(runtime: Runtime, sink: MailSink, session: Session, expected: list[str]) -> None:
    run_async(delivery_for(runtime, sink.url).run_until_idle)
    assert sorted(r.recipients[0] for r in sink.received) == sorted(expected)
    for received in sink.received:
        assert len(received.recipients) == 1
        assert header_names(received.message.as_bytes()) == OWN_HEADERS
        assert [a.addr_spec for a in received.message["To"].addresses] == received.recipients
        assert "evil@attacker.test" not in received.recipients
    stored = session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
    assert stored == len(expected)


def webinar(client: TestClient, account: AccountKeys, **extra: Any) -> int:
    settings = {
        "topic": "Launch",
        "approval_type": 0,
        "start_time": "2026-03-01T10:00:00Z",
        **extra,
    }
    return int(v1(client, "webinar/create", account.host_params(**settings))["id"])


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
@pytest.mark.parametrize("value", HOSTILE)
def test_registrant_fields(
    field: str,
    value: str,
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    mail_sink: MailSink,
) -> None:
    webinar_id = webinar(client, account)
    person = {
        "id": webinar_id,
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        field: value,
    }

    answer = v1(client, "webinar/register", account.credentials(**person))

    if refused(field, value):
        assert answer["error"]["code"] == 300
        check_delivery(runtime, mail_sink, session, [])
    else:
        assert "error" not in answer
        assert answer["registrant_id"]
        check_delivery(runtime, mail_sink, session, ["ann@example.com"])


@pytest.mark.parametrize("field", ["name", "email"])
@pytest.mark.parametrize("value", HOSTILE)
def test_panelist_fields(
    field: str,
    value: str,
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    mail_sink: MailSink,
) -> None:
    panelist = {"name": "Pat", "email": "pat@example.com", field: value}
    answer = v1(
        client, "webinar/create", account.host_params(topic="T", panelists=json.dumps([panelist]))
    )

    if refused(field, value):
        assert answer["error"]["code"] == 300
        check_delivery(runtime, mail_sink, session, [])
    else:
        assert answer["topic"] == "T"
        check_delivery(runtime, mail_sink, session, ["pat@example.com"])


@pytest.mark.parametrize("value", HOSTILE)
def test_the_topic(
    value: str,
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    mail_sink: MailSink,
) -> None:
    answer = v1(
        client,
        "webinar/create",
        account.host_params(topic=value, approval_type=0, start_time="2026-03-01T10:00:00Z"),
    )
    if refused("topic", value):
        assert answer["error"]["code"] == 300
        check_delivery(runtime, mail_sink, session, [])
        return
    assert answer["topic"] == value
    v1(
        client,
        "webinar/register",
        account.credentials(
            id=answer["id"], email="ann@example.com", first_name="A", last_name="B"
        ),
    )

    check_delivery(runtime, mail_sink, session, ["ann@example.com"])
    [received] = mail_sink.received
    assert "\n" not in received.message["Subject"]
    assert "\r" not in received.message["Subject"]
