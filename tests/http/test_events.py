"""Domain events (podium/events.py): each state change records its event; the durable
consumers (the mail outbox) write in the change's transaction; the live consumers hear the
events only once committed, and never those of a call that failed."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import RegistrantStatus, WebinarType
from podium.db.models import OutboxMessage, Webinar
from podium.events import (
    Event,
    RegistrantApproved,
    RegistrantCancelled,
    RegistrantCreated,
    WebinarDeleted,
    WebinarEnded,
    WebinarUpdated,
)
from podium.services import outbox
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import error, v1
from tests.http.registration_helpers import create_webinar, register


def recorder(runtime: Runtime) -> list[Event]:
    heard: list[Event] = []
    runtime.subscribe(heard.extend)
    return heard


def outbox_kinds(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    return [(row.kind, row.recipient) for row in rows]


def test_each_change_is_heard_once_committed_with_its_facts(
    client: TestClient, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    heard = recorder(runtime)
    webinar_id = create_webinar(client, account, approval_type=1)
    ann = register(client, account, webinar_id, "ann@x.io")
    ids = {"id": webinar_id, "registrant_ids": ann["registrant_id"]}
    v1(client, "webinar/registrants/approve", account.host_params(**ids))
    v1(
        client,
        "webinar/update",
        account.host_params(
            id=webinar_id, topic="Launch, moved", start_time="2026-02-02T10:00:00Z"
        ),
    )
    v1(client, "webinar/registration/cancel", account.host_params(**ids))
    v1(client, "webinar/end", account.host_params(id=webinar_id))
    v1(client, "webinar/delete", account.host_params(id=webinar_id))

    assert [type(event).__name__ for event in heard] == [
        "WebinarCreated",
        "RegistrantCreated",
        "RegistrantApproved",
        "WebinarUpdated",
        "RegistrantCancelled",
        "WebinarEnded",
        "WebinarDeleted",
    ]
    assert {event.at for event in heard} == {NOW}
    assert {event.webinar_id for event in heard} == {webinar_id}  # type: ignore[attr-defined]
    created, approved, updated, cancelled, ended, deleted = heard[1:]
    assert isinstance(created, RegistrantCreated)
    assert (created.registrant.email, created.registrant.status) == ("ann@x.io", "pending")
    assert created.registrant.registrant_id == ann["registrant_id"]
    assert isinstance(approved, RegistrantApproved)
    assert approved.registrant.status == RegistrantStatus.APPROVED
    assert isinstance(updated, WebinarUpdated)
    assert updated.old == {
        "topic": "Launch",
        "start_at": datetime(2026, 2, 1, 10, 0, tzinfo=NOW.tzinfo),
    }
    assert updated.schedule_changed
    assert (updated.webinar.topic, updated.webinar.calendar_sequence) == ("Launch, moved", 1)
    assert updated.webinar.start_at == NOW.replace(month=2, day=2, hour=10)
    assert isinstance(cancelled, RegistrantCancelled)
    assert cancelled.registrant.status == RegistrantStatus.CANCELLED
    assert isinstance(ended, WebinarEnded)
    assert (ended.instance_uuid, ended.webinar.status) == (None, 2)
    assert isinstance(deleted, WebinarDeleted)
    assert (deleted.occurrence_ids, deleted.webinar.type) == ((), WebinarType.SCHEDULED)
    # The mail outbox wrote what the same events owe, in their transactions.
    assert outbox_kinds(session) == [
        ("registration_pending", "ann@x.io"),
        ("approval_needed", "host@acme.test"),
        ("registration_approved", "ann@x.io"),
        ("webinar_updated", "ann@x.io"),
        ("registration_cancelled", "ann@x.io"),
    ]


def test_a_refused_call_is_heard_by_nobody(
    client: TestClient, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)
    heard = recorder(runtime)

    answer = v1(
        client,
        "webinar/register",
        account.credentials(id=webinar_id, email="a@x.io", first_name="A", last_name="B"),
    )

    assert answer == error(3000, f"This Webinar has not registration required: {webinar_id}")
    assert heard == []
    assert outbox_kinds(session) == []


def test_a_failing_durable_consumer_takes_the_change_with_it(
    settings: Settings, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    def broken_outbox(_session: Session, events: Sequence[Event]) -> None:
        raise RuntimeError(f"the outbox is broken ({len(events)} events)")

    broken = dataclasses.replace(runtime, durable=(outbox.write_messages, broken_outbox), live=[])
    heard = recorder(broken)
    with TestClient(create_app(settings, broken), raise_server_exceptions=False) as client:
        answer = client.post("/v1/webinar/create", data=account.host_params(topic="Launch"))

    assert (answer.status_code, answer.json()) == (500, error(500, "Internal server error."))
    assert heard == []
    assert session.execute(select(Webinar)).scalars().all() == []


def test_occurrence_deletion_is_heard_with_its_id(
    client: TestClient, runtime: Runtime, account: AccountKeys
) -> None:
    body = v1(
        client,
        "webinar/create",
        account.host_params(
            topic="Weekly",
            type=9,
            start_time="2026-02-01T10:00:00Z",
            recurrence=json.dumps({"type": 1, "end_times": 3}),
        ),
    )
    heard = recorder(runtime)
    occurrences = v1(client, "webinar/get", account.host_params(id=body["id"]))["occurrences"]
    second = occurrences[1]["occurrence_id"]

    v1(client, "webinar/delete", account.host_params(id=body["id"], occurrence_id=second))

    [deleted] = heard
    assert isinstance(deleted, WebinarDeleted)
    assert deleted.occurrence_ids == (second,)
    assert [o.is_deleted for o in deleted.webinar.occurrences] == [False, True, False]
    assert deleted.webinar.occurrences[1].start_at == NOW.replace(
        month=2, day=1, hour=10
    ) + timedelta(days=1)
