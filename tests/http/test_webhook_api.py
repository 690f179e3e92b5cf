"""The management API's webhook subscriptions: saved only once the endpoint passed Zoom's URL
validation, refused at once for addresses not allowed, listed without their secret, removed;
their deliveries listed newest first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import WebhookDelivery, WebhookSubscription
from podium.ids import Ids
from podium.services.webhook_outbox import Attempt, record
from podium.services.webhook_payloads import EVENTS
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.runtime import Runtime
from podium.web.webhook_sink import WebhookSink
from tests.conftest import NOW, AccountKeys, make_account
from tests.http.admin_helpers import BEARER, TOKEN
from tests.http.helpers import v1
from tests.http.registration_helpers import create_webinar

SECRET = "sink-secret-token"


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as running:
        yield running


@pytest.fixture
def acme(admin_runtime: Runtime) -> AccountKeys:
    return make_account(admin_runtime, "Acme", "host@acme.test")


def hooks(account: AccountKeys) -> str:
    return f"/podium/api/accounts/{account.account_id}/webhooks"


def add(admin: TestClient, account: AccountKeys, **document: object) -> dict[str, object]:
    response = admin.post(hooks(account), json=document)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_endpoint_that_answers_the_challenge_is_saved(
    admin: TestClient, acme: AccountKeys, sink: WebhookSink, session: Session
) -> None:
    created = add(admin, acme, url=sink.url, secret_token=SECRET)

    assert created == {
        "id": created["id"],
        "url": sink.url,
        "events": list(EVENTS),
        "status": "active",
        "created_at": "2026-01-15T12:00:00Z",
        "validated_at": "2026-01-15T12:00:00Z",
        "next_validation_at": "2026-01-18T12:00:00Z",
        "last_validation_error": "",
    }
    assert sink.validations == 1
    assert admin.get(hooks(acme)).json() == {"webhooks": [created]}
    assert admin.get(f"{hooks(acme)}/{created['id']}").json() == created
    row = session.execute(select(WebhookSubscription)).scalar_one()
    assert (row.account_id, row.url, row.events) == (
        acme.account_id,
        sink.url,
        '["webinar.created", "webinar.updated", "webinar.deleted", "webinar.started", '
        '"webinar.ended", "webinar.registration_created", "webinar.registration_approved", '
        '"webinar.registration_denied", "webinar.registration_cancelled", '
        '"webinar.participant_joined", "webinar.participant_left"]',
    )
    assert SECRET.encode() not in row.secret_token  # encrypted at rest


def test_an_endpoint_that_fails_the_challenge_is_not_saved(
    admin: TestClient, acme: AccountKeys, sink: WebhookSink, session: Session
) -> None:
    response = admin.post(hooks(acme), json={"url": sink.url, "secret_token": "not-the-sinks"})
    missing = admin.post(
        hooks(acme), json={"url": sink.url.replace("/zoom/events", "/nope"), "secret_token": SECRET}
    )

    assert (response.status_code, response.json()) == (
        422,
        {
            "error": {
                "code": 422,
                "message": "The endpoint did not pass URL validation: it answered HTTP 400: "
                '{"error": "Failed to verify event originated from Zoom."}',
            }
        },
    )
    assert (missing.status_code, missing.json()["error"]["message"]) == (
        422,
        'The endpoint did not pass URL validation: it answered HTTP 404: {"error": "Not found."}',
    )
    assert session.execute(select(WebhookSubscription)).scalars().all() == []


def test_input_is_checked(admin: TestClient, acme: AccountKeys, sink: WebhookSink) -> None:
    cases = [
        ({"secret_token": SECRET}, 400, 300, "url is required."),
        ({"url": sink.url}, 400, 300, "secret_token is required."),
        (
            {"url": sink.url, "secret_token": SECRET, "events": ["meeting.started"]},
            400,
            300,
            "Invalid parameter: events. meeting.started is not one of " + ", ".join(EVENTS) + ".",
        ),
        (
            {"url": "gopher://x.example/", "secret_token": SECRET},
            400,
            400,
            "Webhook URL refused: only http:// and https:// URLs are called.",
        ),
        (
            {"url": sink.url, "secret_token": SECRET, "extra": 1},
            400,
            300,
            "Invalid parameter: extra. Use url, secret_token and events.",
        ),
    ]
    for document, status, code, message in cases:
        response = admin.post(hooks(acme), json=document)
        assert (response.status_code, response.json()) == (
            status,
            {"error": {"code": code, "message": message}},
        ), document
    unknown = admin.post(
        "/podium/api/accounts/999/webhooks", json={"url": sink.url, "secret_token": "x"}
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"error": {"code": 404, "message": "No account 999."}},
    )
    assert sink.validations == 0


def test_at_most_twenty_per_account(
    admin: TestClient, acme: AccountKeys, sink: WebhookSink
) -> None:
    for _ in range(20):
        add(admin, acme, url=sink.url, secret_token=SECRET)

    response = admin.post(hooks(acme), json={"url": sink.url, "secret_token": SECRET})

    assert (response.status_code, response.json()) == (
        409,
        {"error": {"code": 409, "message": "An account has at most 20 webhook subscriptions."}},
    )
    assert sink.validations == 20


def test_removed_and_other_accounts_subscriptions_are_not_found(
    admin: TestClient, admin_runtime: Runtime, acme: AccountKeys, sink: WebhookSink
) -> None:
    other = make_account(admin_runtime, "Globex", "host@globex.test")
    created = add(admin, acme, url=sink.url, secret_token=SECRET)
    one = f"{hooks(acme)}/{created['id']}"

    theirs = admin.get(f"{hooks(other)}/{created['id']}")
    removed = admin.delete(one)
    again = admin.delete(one)

    assert (theirs.status_code, theirs.json()["error"]["message"]) == (
        404,
        f"No webhook subscription {created['id']}.",
    )
    assert (removed.status_code, removed.content) == (204, b"")
    assert again.status_code == 404
    assert admin.get(hooks(acme)).json() == {"webhooks": []}


def test_validate_again_on_request(
    admin: TestClient,
    acme: AccountKeys,
    sink: WebhookSink,
    clock: FixedClock,
) -> None:
    created = add(admin, acme, url=sink.url, secret_token=SECRET)
    clock.advance(hours=1)
    sink.secret_token = "rotated"  # the endpoint's side changed its secret

    failed = admin.post(f"{hooks(acme)}/{created['id']}/validate")
    shown = admin.get(f"{hooks(acme)}/{created['id']}").json()
    sink.secret_token = SECRET
    passed = admin.post(f"{hooks(acme)}/{created['id']}/validate")

    reason = 'it answered HTTP 400: {"error": "Failed to verify event originated from Zoom."}'
    assert (failed.status_code, failed.json()["error"]["message"]) == (
        422,
        f"The endpoint did not pass URL validation: {reason}",
    )
    assert shown == created | {
        "status": "unvalidated",
        "next_validation_at": "2026-01-18T13:00:00Z",
        "last_validation_error": reason,
    }
    assert (passed.status_code, passed.json()) == (
        200,
        created
        | {"validated_at": "2026-01-15T13:00:00Z", "next_validation_at": "2026-01-18T13:00:00Z"},
    )


def test_deliveries_are_listed_newest_first(
    admin: TestClient,
    admin_runtime: Runtime,
    acme: AccountKeys,
    sink: WebhookSink,
    session: Session,
) -> None:
    created = add(admin, acme, url=sink.url, secret_token=SECRET)
    webinar_id = create_webinar(admin, acme)
    v1(admin, "webinar/update", acme.host_params(id=webinar_id, topic="New"))
    first, second = session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars()
    attempt = Attempt(first.id, 0, NOW + timedelta(seconds=1), 503, 41, "it answered HTTP 503")
    session.execute(
        WebhookDelivery.__table__.update().values(claim_token="t")  # type: ignore[attr-defined]
    )
    admin_runtime.run(lambda s: record(s, [attempt], token="t"), writes=True)

    listed = admin.get(f"{hooks(acme)}/{created['id']}/deliveries").json()
    failed_only = admin.get(f"{hooks(acme)}/{created['id']}/deliveries?status=failed").json()
    bad = admin.get(f"{hooks(acme)}/{created['id']}/deliveries?limit=0")

    assert listed == {
        "deliveries": [
            {
                "id": second.id,
                "event": "webinar.updated",
                "request_id": second.request_id,
                "event_time": "2026-01-15T12:00:00Z",
                "status": "pending",
                "attempt": 0,
                "time": "",
                "http_status": None,
                "duration_ms": None,
                "error": "",
                "next_attempt_time": "2026-01-15T12:00:00Z",
            },
            {
                "id": first.id,
                "event": "webinar.created",
                "request_id": first.request_id,
                "event_time": "2026-01-15T12:00:00Z",
                "status": "pending",
                "attempt": 1,
                "time": "2026-01-15T12:00:01Z",
                "http_status": 503,
                "duration_ms": 41,
                "error": "it answered HTTP 503",
                "next_attempt_time": "2026-01-15T12:05:01Z",
            },
        ]
    }
    assert failed_only == {"deliveries": []}
    assert (bad.status_code, bad.json()["error"]["message"]) == (
        400,
        "Invalid parameter: limit. A whole number from 1 to 1000.",
    )


@pytest.fixture
def production(
    settings: Settings, connection: Connection, clock: FixedClock
) -> Iterator[tuple[TestClient, AccountKeys]]:
    """Not a sandbox: webhooks may not reach loopback or private addresses."""
    runtime = Runtime.build(
        replace(settings, admin_token=TOKEN), clock=clock, ids=Ids.seeded(7), bind=connection
    )
    acme = make_account(runtime, "Acme", "host@acme.test")
    app = create_app(runtime.settings, runtime)
    with TestClient(app, raise_server_exceptions=False, headers=BEARER) as client:
        yield client, acme


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/hook", "127.0.0.1 is a loopback address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("http://localhost:8080/hook", "localhost (127.0.0.1) is a loopback address"),
        ("https://10.0.0.7/hook", "10.0.0.7 is a private address"),
        ("http://192.168.1.1/hook", "192.168.1.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a metadata address"),
        ("http://169.254.3.3/hook", "169.254.3.3 is a link-local address"),
        ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1 is a loopback address"),
    ],
)
def test_loopback_private_and_link_local_addresses_are_refused_at_once(
    production: tuple[TestClient, AccountKeys], url: str, message: str, session: Session
) -> None:
    client, acme = production
    response = client.post(hooks(acme), json={"url": url, "secret_token": SECRET})

    assert (response.status_code, response.json()) == (
        400,
        {
            "error": {
                "code": 400,
                "message": f"Webhook URL refused: {message}, which webhooks may not reach "
                "(allowed only on a --sandbox server or with PODIUM_WEBHOOK_ALLOW_PRIVATE=1).",
            }
        },
    )
    assert session.execute(select(WebhookSubscription)).scalars().all() == []


def test_webhook_fault_rules_through_the_api(admin: TestClient) -> None:
    added = admin.post(
        "/podium/api/faults", json={"webhook": "webinar.created", "duplicate": 2, "count": 1}
    )
    refusals = [
        admin.post("/podium/api/faults", json=rule).json()["error"]["message"]
        for rule in (
            {"webhook": "meeting.created", "drop": True},
            {"webhook": "*"},
            {"webhook": "*", "action": "webinar/get", "drop": True},
            {"webhook": "*", "fail_status": 200},
        )
    ]

    assert (added.status_code, added.json()) == (
        201,
        {
            "id": added.json()["id"],
            "webhook": "webinar.created",
            "delay_ms": 0,
            "duplicate": 2,
            "drop": False,
            "reorder_ms": 0,
            "bad_signature": False,
            "fail_status": None,
            "probability": 1.0,
            "count": 1,
            "fired": 0,
        },
    )
    assert refusals == [
        'Invalid parameter: webhook. An event such as "webinar.registration_created", or "*".',
        "Invalid parameter: fault. Give delay_ms, duplicate, drop, reorder_ms, bad_signature or fail_status.",
        "Invalid parameter: action. Not a webhook fault setting.",
        "Invalid parameter: fail_status. A whole number from 300 to 599.",
    ]
    assert [rule["id"] for rule in admin.get("/podium/api/faults").json()["faults"]] == [
        added.json()["id"]
    ]


def test_the_workers_status_for_readiness(
    admin: TestClient, production: tuple[TestClient, AccountKeys]
) -> None:
    inline = admin.app.state.webhooks.status()  # type: ignore[attr-defined]
    beside = production[0].app.state.webhooks.status()  # type: ignore[attr-defined]

    # Neither runs on a runtime bound to a test's connection.
    assert inline == {
        "alive": False,
        "seconds_since_round": None,
        "backlog": 0,
        "holding": 0,
        "in_flight": 0,
    }
    assert beside == {"alive": False, "pid": None, "restarts": 0, "backlog": 0}


def test_the_webhook_routes_want_the_management_token(
    admin: TestClient, acme: AccountKeys, sink: WebhookSink, session: Session
) -> None:
    created = add(admin, acme, url=sink.url, secret_token=SECRET)
    calls = [
        ("GET", hooks(acme), None),
        ("POST", hooks(acme), {"url": sink.url, "secret_token": SECRET}),
        ("DELETE", f"{hooks(acme)}/{created['id']}", None),
    ]
    for method, path, body in calls:
        for header in ("", "Bearer nope", f"Basic {TOKEN}"):
            response = admin.request(method, path, json=body, headers={"authorization": header})
            assert response.status_code == 401, (method, path, header)
            assert response.json()["error"]["code"] == 401
            assert response.headers["www-authenticate"] == 'Bearer realm="podium"'

    stored = session.scalars(select(WebhookSubscription)).all()
    assert [row.subscription_id for row in stored] == [created["id"]]  # none added or removed


def test_a_failed_delivery_is_retried_once_more_on_request(
    admin: TestClient,
    admin_runtime: Runtime,
    acme: AccountKeys,
    sink: WebhookSink,
    session: Session,
) -> None:
    created = add(admin, acme, url=sink.url, secret_token=SECRET)
    create_webinar(admin, acme)
    [delivery] = session.execute(select(WebhookDelivery)).scalars()
    gone = Attempt(delivery.id, 3, NOW + timedelta(minutes=90), 410, 12, "it answered HTTP 410")
    session.execute(
        WebhookDelivery.__table__.update().values(claim_token="t")  # type: ignore[attr-defined]
    )
    admin_runtime.run(lambda s: record(s, [gone], token="t"), writes=True)
    base = f"{hooks(acme)}/{created['id']}/deliveries"

    retried = admin.post(f"{base}/{delivery.id}/retry")
    again = admin.post(f"{base}/{delivery.id}/retry")  # pending now: not a failed one
    unknown = admin.post(f"{base}/999999/retry")

    assert (retried.status_code, retried.json()) == (202, {"id": delivery.id, "status": "pending"})
    for refused, key in ((again, str(delivery.id)), (unknown, "999999")):
        assert (refused.status_code, refused.json()) == (
            404,
            {"error": {"code": 404, "message": f"No failed delivery {key}."}},
        )
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status, delivery.last_error) == (
        "pending",
        4,
        410,
        "",
    )
    assert delivery.next_attempt_at == NOW  # due at once on the server clock
