"""The webhook outbox: each change through v1 (and the live pages' services) writes, in its own
transaction, one delivery per subscribed endpoint of the webinar's account, with Zoom's body.

The bodies are asserted whole. Every v1 event is here; `registration_denied` comes from the
service v2's deny uses (v1 has no deny), participants from the service the live pages use.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import Role
from podium.db.models import Registrant, WebhookDelivery, WebhookSubscription, Webinar
from podium.ids import Ids
from podium.services import instances, registrants, webhook_subscriptions
from podium.services.instances import Participant
from podium.services.webhook_payloads import EVENTS, serialise
from podium.services.webhook_subscriptions import NewSubscription
from podium.web.runtime import Runtime
from tests.conftest import NOW, PUBLIC_URL, AccountKeys
from tests.http.helpers import v1
from tests.http.registration_helpers import create_webinar, register
from tests.http.v2_helpers import V2, token_for

TOPIC = "Café ünïcode ✓ — 日本"
NOW_TS = int(NOW.timestamp() * 1000)


def subscribe(
    runtime: Runtime,
    account_id: int,
    events: tuple[str, ...] = EVENTS,
    url: str = "https://a.test/z",
) -> int:
    new = NewSubscription(url, "secret-token", events)
    context = runtime.context
    created = runtime.run(
        lambda s: webhook_subscriptions.create(
            s, account_id, new, key=context.issuer.key, ids=context.issuer.ids, now=NOW
        ),
        writes=True,
    )
    runtime.webhook_subscriptions_changed()
    return created.id


def owed(session: Session, subscription_pk: int | None = None) -> list[dict[str, Any]]:
    """The outbox's bodies (each as the JSON it is), oldest first."""
    session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if subscription_pk is not None:
        query = query.where(WebhookDelivery.subscription_pk == subscription_pk)
    rows = session.execute(query).scalars().all()
    for row in rows:
        assert row.body == serialise(json.loads(row.body))  # compact, non-ASCII as is
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, NOW)  # due now
    return [json.loads(row.body) for row in rows]


@pytest.fixture
def webinar(client: TestClient, runtime: Runtime, account: AccountKeys) -> dict[str, Any]:
    subscribe(runtime, account.account_id)
    webinar_id = create_webinar(client, account, topic=TOPIC, approval_type=1)
    return dict(v1(client, "webinar/get", account.host_params(id=webinar_id)))


def base(webinar: dict[str, Any], *, string_id: bool = False) -> dict[str, Any]:
    return {
        "uuid": webinar["uuid"],
        "id": str(webinar["id"]) if string_id else webinar["id"],
        "host_id": webinar["host_id"],
        "topic": TOPIC,
        "type": 5,
        "start_time": "2026-02-01T10:00:00Z",
        "duration": 60,
        "timezone": "UTC",
    }


def envelope(event: str, account: AccountKeys, **payload: Any) -> dict[str, Any]:
    return {
        "event": event,
        "event_ts": NOW_TS,
        "payload": {"account_id": str(account.account_id), **payload},
    }


OPERATOR = {"operator": "host@acme.test"}


def test_created_and_registration_created_with_non_ascii(
    client: TestClient, account: AccountKeys, session: Session, webinar: dict[str, Any]
) -> None:
    ann = register(
        client,
        account,
        webinar["id"],
        "zoë@x.io",
        first_name="Zoë",
        last_name="Ñúñez",
        city="Zürich",
    )

    created, registered = owed(session)
    host = {**OPERATOR, "operator_id": webinar["host_id"]}
    assert created == envelope(
        "webinar.created",
        account,
        **host,
        object=base(webinar)
        | {
            "join_url": f"{PUBLIC_URL}/j/{webinar['id']}",
            "creation_source": "open_api",
            "settings": {"use_pmi": False, "alternative_hosts": ""},
        },
    )
    assert registered == envelope(
        "webinar.registration_created",
        account,
        object=base(webinar)
        | {
            "registrant": {
                "id": ann["registrant_id"],
                "first_name": "Zoë",
                "last_name": "Ñúñez",
                "email": "zoë@x.io",
                "city": "Zürich",
                "status": "pending",
                "join_url": "",  # the personal link goes in when sent, from its nonce
            }
        },
    )


def test_approved_cancelled_and_denied(
    client: TestClient,
    runtime: Runtime,
    account: AccountKeys,
    session: Session,
    webinar: dict[str, Any],
) -> None:
    ann = register(client, account, webinar["id"], "ann@x.io")
    bob = register(client, account, webinar["id"], "bob@x.io")
    ids = {"id": webinar["id"], "registrant_ids": ann["registrant_id"]}
    v1(client, "webinar/registrants/approve", account.host_params(**ids))
    v1(client, "webinar/registration/cancel", account.host_params(**ids))

    def deny(s: Session) -> None:  # what v2's PUT …/registrants/status {"action": "deny"} does
        found = s.execute(select(Webinar).where(Webinar.id == webinar["id"])).scalar_one()
        registrants.deny(s, found, [bob["registrant_id"]], name="registrants", now=NOW)

    runtime.run(deny, writes=True)

    bodies = owed(session)
    assert [body["event"] for body in bodies] == [
        "webinar.created",
        "webinar.registration_created",
        "webinar.registration_created",
        "webinar.registration_approved",
        "webinar.registration_cancelled",
        "webinar.registration_denied",
    ]
    host = {**OPERATOR, "operator_id": webinar["host_id"]}
    person = {"first_name": "Ada", "last_name": "Lovelace"}
    assert bodies[3:] == [
        envelope(
            "webinar.registration_approved",
            account,
            **host,
            object=base(webinar)
            | {
                "registrant": {
                    "id": ann["registrant_id"],
                    **person,
                    "email": "ann@x.io",
                    "join_url": "",
                }
            },
        ),
        envelope(
            "webinar.registration_cancelled",
            account,
            **host,
            object=base(webinar)
            | {"registrant": {"id": ann["registrant_id"], **person, "email": "ann@x.io"}},
        ),
        envelope(
            "webinar.registration_denied",
            account,
            **host,
            object=base(webinar)
            | {"registrant": {"id": bob["registrant_id"], **person, "email": "bob@x.io"}},
        ),
    ]


def test_updated_carries_only_the_changes_with_their_old_values(
    client: TestClient, account: AccountKeys, session: Session, webinar: dict[str, Any]
) -> None:
    v1(
        client,
        "webinar/update",
        account.host_params(
            id=webinar["id"],
            topic="Launch, moved",
            start_time="2026-02-02T10:00:00Z",
            approval_type=0,
            option_audio="voip",
        ),
    )

    updated = owed(session)[-1]
    assert updated == envelope(
        "webinar.updated",
        account,
        **OPERATOR,
        operator_id=webinar["host_id"],
        object={
            "id": webinar["id"],
            "topic": "Launch, moved",
            "start_time": "2026-02-02T10:00:00Z",
            "settings": {"approval_type": 0, "audio": "voip"},
        },
        time_stamp=NOW_TS,
        old_object={
            "id": webinar["id"],
            "topic": TOPIC,
            "start_time": "2026-02-01T10:00:00Z",
            "settings": {"approval_type": 1, "audio": "both"},
        },
    )


def test_started_ended_and_participants_have_string_ids(
    client: TestClient,
    runtime: Runtime,
    account: AccountKeys,
    session: Session,
    webinar: dict[str, Any],
) -> None:
    ann = register(client, account, webinar["id"], "ann@x.io")
    started_at = NOW + timedelta(minutes=1)

    def live(s: Session) -> str:
        found = s.execute(select(Webinar).where(Webinar.id == webinar["id"])).scalar_one()
        instance = instances.start_instance(s, found, ids=Ids.seeded(5), now=started_at)
        person = s.execute(select(Registrant).where(Registrant.email == "ann@x.io")).scalar_one()
        who = Participant(
            Role.ATTENDEE,
            "Ada Lovelace",
            "ann@x.io",
            registrant_pk=person.id,
            registrant_id=person.registrant_id,
        )
        row = instances.join(s, instance, who, now=started_at + timedelta(minutes=2))
        instances.leave(s, row, now=started_at + timedelta(minutes=3))
        return instance.uuid

    uuid = runtime.run(live, writes=True)
    v1(client, "webinar/end", account.host_params(id=webinar["id"]))

    started, joined, left, ended = owed(session)[-4:]
    session_base = base(webinar, string_id=True) | {
        "uuid": uuid,
        "start_time": "2026-01-15T12:01:00Z",
    }
    ts = int(started_at.timestamp() * 1000)
    assert started == {
        "event": "webinar.started",
        "event_ts": ts,
        "payload": {"account_id": str(account.account_id), "object": session_base},
    }
    person = {"user_name": "Ada Lovelace", "id": ""}
    [attendance_id] = [joined["payload"]["object"]["participant"]["user_id"]]
    assert joined["event_ts"] == ts + 120_000
    assert joined["payload"]["object"] == session_base | {
        "participant": {
            "user_id": attendance_id,
            **person,
            "join_time": "2026-01-15T12:03:00Z",
            "email": "ann@x.io",
            "registrant_id": ann["registrant_id"],
        }
    }
    assert left["payload"]["object"] == session_base | {
        "participant": {
            "user_id": attendance_id,
            **person,
            "leave_time": "2026-01-15T12:04:00Z",
            "email": "ann@x.io",
            "registrant_id": ann["registrant_id"],
        }
    }
    assert ended == envelope(
        "webinar.ended",
        account,
        object=session_base | {"end_time": "2026-01-15T12:00:00Z", "practice_session": False},
    )


def test_deleted_whole_or_one_occurrence(
    client: TestClient, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    subscribe(runtime, account.account_id, events=("webinar.deleted",))
    series = v1(
        client,
        "webinar/create",
        account.host_params(
            topic="Weekly",
            type=9,
            start_time="2026-02-01T10:00:00Z",
            recurrence=json.dumps({"type": 1, "end_times": 3}),
        ),
    )
    v1(
        client,
        "webinar/delete",
        account.host_params(id=series["id"], occurrence_id="1770026400000"),
    )
    v1(client, "webinar/delete", account.host_params(id=series["id"]))

    one, whole = owed(session)
    host = {**OPERATOR, "operator_id": account.host_id}
    series_base = {
        "uuid": series["uuid"],
        "id": series["id"],
        "host_id": account.host_id,
        "topic": "Weekly",
        "type": 9,
        "start_time": "2026-02-01T10:00:00Z",
        "duration": 60,
        "timezone": "UTC",
    }
    assert one == envelope(
        "webinar.deleted",
        account,
        **host,
        operation="single",
        object=series_base
        | {
            "occurrences": [
                {"occurrence_id": "1770026400000", "start_time": "2026-02-02T10:00:00Z"}
            ]
        },
    )
    assert whole == envelope(
        "webinar.deleted", account, **host, operation="all", object=series_base
    )


def test_only_the_subscribed_events_of_the_webinars_account(
    client: TestClient,
    runtime: Runtime,
    account: AccountKeys,
    other_account: AccountKeys,
    session: Session,
) -> None:
    ours = subscribe(runtime, account.account_id, events=("webinar.registration_created",))
    theirs = subscribe(runtime, other_account.account_id)
    webinar_id = create_webinar(client, account)
    register(client, account, webinar_id, "ann@x.io")

    assert [body["event"] for body in owed(session, ours)] == ["webinar.registration_created"]
    assert owed(session, theirs) == []


def test_each_event_has_one_request_id_for_all_its_endpoints(
    client: TestClient, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    first = subscribe(runtime, account.account_id, url="https://a.test/1")
    second = subscribe(runtime, account.account_id, url="https://a.test/2")
    create_webinar(client, account)
    create_webinar(client, account)

    rows = session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars().all()
    assert [row.subscription_pk for row in rows] == [first, second, first, second]
    assert rows[0].request_id == rows[1].request_id != rows[2].request_id == rows[3].request_id


def test_a_refused_call_and_a_removed_or_failing_endpoint_owe_nothing(
    client: TestClient, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    removed = subscribe(runtime, account.account_id, url="https://a.test/removed")
    failing = subscribe(runtime, account.account_id, url="https://a.test/failing")
    webinar_id = create_webinar(client, account, approval_type=2)  # the cache holds both now
    public_id = session.get_one(WebhookSubscription, removed).subscription_id
    # Changed the way another process would change them: this process's cache still holds
    # them (for up to a second); the INSERT … SELECT checks the subscription itself.
    runtime.run(
        lambda s: webhook_subscriptions.remove(s, account.account_id, public_id, now=NOW),
        writes=True,
    )
    runtime.run(
        lambda s: webhook_subscriptions.record_validation(
            s, failing, error="it answered HTTP 500", now=NOW
        ),
        writes=True,
    )
    answer = v1(
        client,
        "webinar/register",
        account.credentials(id=webinar_id, email="a@x.io", first_name="A", last_name="B"),
    )
    v1(client, "webinar/update", account.host_params(id=webinar_id, topic="Renamed"))

    assert answer["error"]["code"] == 3000
    assert [body["event"] for body in owed(session, failing)] == ["webinar.created"]
    session.expire_all()
    rows = session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars().all()
    assert [(row.subscription_pk, row.event, row.status, row.last_error) for row in rows] == [
        (removed, "webinar.created", "failed", "the subscription was removed"),
        (failing, "webinar.created", "pending", ""),
    ]


def test_v2_calls_owe_the_same_notifications_as_v1(
    client: TestClient, runtime: Runtime, account: AccountKeys, session: Session
) -> None:
    subscribe(runtime, account.account_id)
    api = V2(client, token_for(client, account))
    created = api.post(
        "/users/me/webinars",
        {"topic": TOPIC, "start_time": "2026-02-01T10:00:00Z", "settings": {"approval_type": 1}},
    ).json()
    path = f"/webinars/{created['id']}"
    webinar = dict(v1(client, "webinar/get", account.host_params(id=created["id"])))
    people = [
        api.post(
            f"{path}/registrants",
            {"email": email, "first_name": "Ada", "last_name": "Lovelace"},
        ).json()
        for email in ("ann@x.io", "bob@x.io")
    ]
    for action, person in (("approve", people[0]), ("deny", people[1])):
        api.put(
            f"{path}/registrants/status",
            {"action": action, "registrants": [{"id": person["registrant_id"]}]},
        )
    api.patch(path, {"agenda": "Now with an agenda"})
    api.put(
        f"{path}/registrants/status",
        {"action": "cancel", "registrants": [{"id": people[0]["registrant_id"]}]},
    )
    api.put(f"{path}/status", {"action": "end"})
    api.delete(path)

    bodies = owed(session)
    assert [body["event"] for body in bodies] == [
        "webinar.created",
        "webinar.registration_created",
        "webinar.registration_created",
        "webinar.registration_approved",
        "webinar.registration_denied",
        "webinar.updated",
        "webinar.registration_cancelled",
        "webinar.ended",
        "webinar.deleted",
    ]
    host = {**OPERATOR, "operator_id": webinar["host_id"]}
    person = {"first_name": "Ada", "last_name": "Lovelace"}
    assert bodies[4] == envelope(
        "webinar.registration_denied",
        account,
        **host,
        object=base(webinar)
        | {"registrant": {"id": people[1]["registrant_id"], **person, "email": "bob@x.io"}},
    )
    assert bodies[1]["payload"]["object"]["registrant"]["status"] == "pending"
    assert bodies[5]["payload"]["object"] == {
        "id": int(created["id"]),
        "agenda": "Now with an agenda",
    }
    assert bodies[5]["payload"]["old_object"]["agenda"] == ""
    assert bodies[6]["payload"]["object"]["registrant"]["email"] == "ann@x.io"
    assert bodies[7]["payload"]["object"]["id"] == str(created["id"])  # a string, as Zoom's
    assert bodies[8]["payload"]["object"]["uuid"] == webinar["uuid"]
