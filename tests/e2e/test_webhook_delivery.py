"""Webhooks delivered by a real server to a real receiver (podium_server.webhook_sink()):
every v1 event and a simulated session, signed as Zoom signs (checked by an independent
implementation too), retried on Zoom's schedule on the virtual clock, re-validated every 72
hours; an endpoint that never answers holds up no other; the sandbox's webhook fault rules do
what they say."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.db.models import WebhookDelivery, WebhookSubscription
from podium.settings import Settings
from podium.testing import PodiumServer, TestAccount
from podium.web.webhook_sink import WebhookSink
from tests.conftest import fresh_database
from tests.webhook_check import zoom_signature_ok

pytestmark = pytest.mark.e2e
TOPIC = "Café ünïcode ✓ — 日本語"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PodiumServer]:
    """A sandbox on a database of its own: another server's worker on the same outbox
    would send these tests' deliveries without their fault rules (and its clock)."""
    for database_url in fresh_database(tmp_path_factory):
        with PodiumServer(Settings(database_url=database_url)) as running:
            yield running


@pytest.fixture
def account(hub: PodiumServer) -> Iterator[TestAccount]:
    yield hub.create_account(host_email="host@hooks.test")
    hub.clear_faults()
    hub.clock.reset()


@pytest.fixture
def sink(hub: PodiumServer, account: TestAccount) -> Iterator[WebhookSink]:
    with hub.webhook_sink(account) as subscribed:
        yield subscribed


def call(hub: PodiumServer, account: TestAccount, action: str, **params: Any) -> Any:
    answer = httpx2.post(
        f"{hub.base_url}/{action}",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            **params,
        },
        timeout=30,
    ).json()
    assert "error" not in answer, answer
    return answer


def eventually(check: Callable[[], Any], timeout: float = 60) -> Any:
    """`check()` once it is truthy, polled until `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, "not in time"
            return found
        time.sleep(0.02)


def deliveries(hub: PodiumServer, sink: WebhookSink) -> list[WebhookDelivery]:
    def work(session: Session) -> list[WebhookDelivery]:
        rows = session.execute(
            select(WebhookDelivery)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_pk)
            .where(WebhookSubscription.subscription_id == sink.subscription_id)
            .order_by(WebhookDelivery.id)
        ).scalars()
        found = list(rows)
        session.expunge_all()
        return found

    return hub.runtime.run(work, writes=False)


def settled(hub: PodiumServer, sink: WebhookSink, count: int) -> list[WebhookDelivery]:
    """The subscription's deliveries once `count` of them were attempted."""
    rows: list[WebhookDelivery] = eventually(
        lambda: (
            (rows := deliveries(hub, sink))
            and sum(row.status != "pending" or row.attempts > 0 for row in rows) >= count
            and rows
        )
    )
    return rows


def test_every_v1_event_and_a_simulated_session_arrive_signed(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    webinar = call(
        hub,
        account,
        "webinar/create",
        topic=TOPIC,
        approval_type=1,
        start_time="2030-01-01T10:00:00Z",
    )
    zoe = call(
        hub,
        account,
        "webinar/register",
        id=webinar["id"],
        email="zoë@x.test",
        first_name="Zoë",
        last_name="Ñúñez",
    )
    ann = call(
        hub,
        account,
        "webinar/register",
        id=webinar["id"],
        email="ann@x.test",
        first_name="Ann",
        last_name="Lee",
    )
    call(
        hub,
        account,
        "webinar/registrants/approve",
        id=webinar["id"],
        registrant_ids=f"{zoe['registrant_id']},{ann['registrant_id']}",
    )
    call(
        hub,
        account,
        "webinar/registration/cancel",
        id=webinar["id"],
        registrant_ids=ann["registrant_id"],
    )
    call(hub, account, "webinar/update", id=webinar["id"], agenda="Plus de détails")
    hub.simulate(webinar["id"], seed=3, show_up_rate=1, rejoin_rate=0, questions=0)
    call(hub, account, "webinar/delete", id=webinar["id"])

    names = [
        "webinar.created",
        *["webinar.registration_created"] * 2,
        *["webinar.registration_approved"] * 2,
        "webinar.registration_cancelled",
        "webinar.updated",
        "webinar.started",
        "webinar.participant_joined",
        "webinar.participant_left",
        "webinar.ended",
        "webinar.deleted",
    ]
    received = eventually(lambda: (got := sink.deliveries()) and len(got) >= len(names) and got)
    assert sorted(item.event for item in received) == sorted(names)
    for item in received:
        assert zoom_signature_ok(item.raw, item.headers, sink.secret_token)
        assert item.headers["user-agent"] == "Zoom Marketplace/1.0a"
        assert item.headers["content-type"] == "application/json; charset=utf-8"
    assert len({item.headers["x-zm-request-id"] for item in received}) == len(names)
    [created] = sink.deliveries("webinar.created")
    assert created.body["payload"]["object"]["topic"] == TOPIC
    assert TOPIC.encode() in created.raw  # as is, not \\u-escaped
    joined = sink.deliveries("webinar.registration_created")
    link = next(
        i for i in joined if i.body["payload"]["object"]["registrant"]["email"] == "zoë@x.test"
    )
    person = link.body["payload"]["object"]["registrant"]
    assert (person["first_name"], person["last_name"], person["status"]) == (
        "Zoë",
        "Ñúñez",
        "pending",
    )
    assert person["join_url"] == zoe["join_url"]  # the personal link, put in when sent
    [started] = sink.deliveries("webinar.started")
    [participant] = sink.deliveries("webinar.participant_joined")
    assert started.body["payload"]["object"]["id"] == str(webinar["id"])  # a string here
    assert participant.body["payload"]["object"]["participant"]["email"] == "zoë@x.test"
    assert {row.status for row in settled(hub, sink, len(names))} == {"sent"}


def test_a_5xx_is_retried_after_five_minutes_on_the_servers_clock(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    sink.fail_with(503)
    call(hub, account, "webinar/create", topic="Retry me")
    [first] = settled(hub, sink, 1)

    hub.clock.advance(minutes=5)
    again = eventually(lambda: len(sink.deliveries()) == 2 and sink.deliveries())
    [row] = eventually(lambda: [r for r in deliveries(hub, sink) if r.status == "sent"])

    assert (first.status, first.attempts, first.last_status) == ("pending", 1, 503)
    assert first.last_attempt_at is not None
    assert first.next_attempt_at == first.last_attempt_at + timedelta(minutes=5)
    assert [item.answered for item in again] == [503, 200]
    assert again[0].headers["x-zm-request-id"] == again[1].headers["x-zm-request-id"]
    assert (row.attempts, row.last_status, row.last_error) == (2, 200, "")


def test_a_4xx_is_final(hub: PodiumServer, account: TestAccount, sink: WebhookSink) -> None:
    sink.fail_with(404)
    call(hub, account, "webinar/create", topic="Gone")
    [row] = eventually(lambda: [r for r in deliveries(hub, sink) if r.status == "failed"])

    hub.clock.advance(hours=2)
    time_after = deliveries(hub, sink)

    assert (row.attempts, row.last_status) == (1, 404)
    assert row.last_error.startswith("it answered HTTP 404")
    assert [r.status for r in time_after] == ["failed"]
    assert len(sink.deliveries()) == 1


def test_fault_rules_drop_duplicate_and_fail(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    hub.inject_webhook("webinar.created", drop=True, count=1)
    hub.inject_webhook("webinar.updated", duplicate=2, count=1)
    hub.inject_webhook("webinar.deleted", fail_status=400, count=1)
    webinar = call(hub, account, "webinar/create", topic="Chaos")
    call(hub, account, "webinar/update", id=webinar["id"], topic="Chaos!")
    call(hub, account, "webinar/delete", id=webinar["id"])

    copies = eventually(
        lambda: len(sink.deliveries("webinar.updated")) == 3 and sink.deliveries("webinar.updated")
    )
    rows = settled(hub, sink, 3)
    assert [(r.event, r.status, r.attempts, r.last_status) for r in rows] == [
        ("webinar.created", "pending", 1, None),
        ("webinar.updated", "sent", 1, 200),
        ("webinar.deleted", "failed", 1, 400),
    ]
    assert rows[0].last_error == "lost in transit (sandbox fault: drop)"
    assert len({c.headers["x-zm-request-id"] for c in copies}) == 1
    assert sink.deliveries("webinar.created") == sink.deliveries("webinar.deleted") == []
    hub.clock.advance(minutes=5)  # the dropped one is retried like a timeout
    eventually(lambda: sink.deliveries("webinar.created"))


def test_fault_rules_bad_signature_delay_and_reorder(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    hub.inject_webhook("webinar.created", bad_signature=True, count=1)
    webinar = call(hub, account, "webinar/create", topic="Mis-signed")
    [refused] = eventually(lambda: [r for r in deliveries(hub, sink) if r.status == "failed"])
    assert refused.last_status == 400
    assert sink.refused == [(400, "Failed to verify event originated from Zoom.")]

    hub.inject_webhook("webinar.updated", reorder_ms=5000, count=1)
    call(hub, account, "webinar/update", id=webinar["id"], topic="First")
    call(hub, account, "webinar/delete", id=webinar["id"])
    eventually(lambda: sink.deliveries("webinar.deleted"))
    assert sink.deliveries("webinar.updated") == []  # held aside: the later one overtook it
    arrived = eventually(lambda: len(sink.deliveries()) == 2 and sink.deliveries())
    assert [item.event for item in arrived] == ["webinar.deleted", "webinar.updated"]

    hub.inject_webhook("*", delay_ms=400, count=1)
    began = time.time()
    call(hub, account, "webinar/create", topic="Slow")
    [slow] = eventually(lambda: sink.deliveries("webinar.created"))
    assert slow.at - began >= 0.4


def test_probability_zero_never_fires(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    rule = hub.inject_webhook("*", drop=True, probability=0)
    call(hub, account, "webinar/create", topic="Lucky")

    eventually(lambda: sink.deliveries("webinar.created"))
    assert rule.fired == 0


def test_revalidated_every_72_hours_and_silenced_while_failing(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    hub.clock.advance(hours=71)
    call(hub, account, "webinar/create", topic="Before")
    eventually(lambda: sink.deliveries("webinar.created"))
    assert sink.validations == 1

    sink.secret_token = "rotated"  # the receiver now refuses every signature
    hub.clock.advance(hours=2)
    eventually(lambda: len(sink.refused) == 1)
    state = eventually(lambda: (s := subscription(hub, sink)).status == "unvalidated" and s)
    call(hub, account, "webinar/create", topic="While failing")

    assert state.last_validation_error.startswith("it answered HTTP 400")
    assert [r.event for r in deliveries(hub, sink)] == ["webinar.created"]
    sink.secret_token = "podium-sink-secret-token"
    answer = httpx2.post(
        hub.url(
            f"/podium/api/accounts/{account.account_id}/webhooks/{sink.subscription_id}/validate"
        )
    )
    assert (answer.status_code, answer.json()["status"]) == (200, "active")


def subscription(hub: PodiumServer, sink: WebhookSink) -> WebhookSubscription:
    def work(session: Session) -> WebhookSubscription:
        found = session.execute(
            select(WebhookSubscription).where(
                WebhookSubscription.subscription_id == sink.subscription_id
            )
        ).scalar_one()
        session.expunge(found)
        return found

    return hub.runtime.run(work, writes=False)


def test_an_endpoint_that_never_answers_holds_up_no_other(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    with hub.webhook_sink(account, secret_token="second") as dead:
        dead.stall()
        webinar = call(hub, account, "webinar/create", topic="Busy", approval_type=0)
        for n in range(20):
            call(
                hub,
                account,
                "webinar/register",
                id=webinar["id"],
                email=f"p{n}@x.test",
                first_name="P",
                last_name=str(n),
            )

        # behind the dead one (3 s a call) they would take a minute; well within, they did not wait
        eventually(lambda: len(sink.deliveries("webinar.registration_created")) == 20, timeout=30)
        assert dead.deliveries() == []
        dead.resume()
        eventually(lambda: len(dead.deliveries()) >= 1)


def test_the_json_the_sink_shows_is_the_body_sent(
    hub: PodiumServer, account: TestAccount, sink: WebhookSink
) -> None:
    call(hub, account, "webinar/create", topic=TOPIC)
    [item] = eventually(lambda: sink.deliveries("webinar.created"))
    [row] = deliveries(hub, sink)

    assert item.raw.decode() == row.body
    assert json.loads(row.body) == item.body
