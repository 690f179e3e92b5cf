"""PyPI zoomus==0.1.7 (query-string style, empty body) drives Podium over a real socket."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from zoomus import ZoomClient

from podium.db.models import Webinar
from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.e2e


def client_for(server: PodiumServer, account: TestAccount) -> ZoomClient:
    client = ZoomClient(account.api_key, account.api_secret)
    for component in client.components.values():
        component.base_uri = server.base_url
    return client


def stored(server: PodiumServer, webinar_id: int) -> Webinar:
    return server.runtime.run(
        lambda session: (
            session.execute(select(Webinar).where(Webinar.id == webinar_id)).unique().scalar_one()
        ),
        writes=False,
    )


def test_zoomus_create_get_update_list_end_delete(
    server: PodiumServer, fresh_account: TestAccount
) -> None:
    zoom = client_for(server, fresh_account)
    host = fresh_account.host_id

    created: dict[str, Any] = zoom.webinar.create(
        host_id=host,
        topic="Launch",
        start_time=datetime(2030, 5, 1, 16, 0, tzinfo=UTC),
        duration=45,
        timezone="Europe/Paris",
    ).json()
    webinar_id = created["id"]
    got = zoom.webinar.get(host_id=host, id=webinar_id).json()
    updated = zoom.webinar.update(host_id=host, id=webinar_id, topic="Launch (v2)").json()
    listed = zoom.webinar.list(host_id=host, page_size=10).json()
    upcoming = zoom.webinar.upcoming(host_id=host).json()
    ended = zoom.webinar.end(host_id=host, id=webinar_id).json()
    deleted = zoom.webinar.delete(host_id=host, id=webinar_id).json()
    after = zoom.webinar.get(host_id=host, id=webinar_id).json()

    assert isinstance(webinar_id, int)
    assert (created["topic"], created["start_time"], created["duration"]) == (
        "Launch",
        "2030-05-01T16:00:00Z",
        45,
    )
    assert created["start_url"].startswith(f"{server.root_url}/s/{webinar_id}?zak=")
    assert created["join_url"] == f"{server.root_url}/j/{webinar_id}"
    assert {k: v for k, v in got.items() if k != "start_url"} == {
        **{k: v for k, v in created.items() if k != "start_url"},
        "occurrences": [],
    }
    assert updated["id"] == str(webinar_id)
    assert [w["topic"] for w in listed["webinars"]] == ["Launch (v2)"]
    assert (listed["total_records"], listed["page_size"]) == (1, 10)
    assert upcoming["webinars"] == []
    assert ended["id"] == str(webinar_id)
    assert deleted["id"] == str(webinar_id)
    assert after == {
        "error": {"code": 3001, "message": f"Webinar {webinar_id} not found or expired."}
    }
    webinar = stored(server, webinar_id)
    assert (webinar.topic, webinar.status) == ("Launch (v2)", 2)
    assert webinar.deleted_at is not None


def test_zoomus_recurring_webinar_and_register_error(
    server: PodiumServer, fresh_account: TestAccount
) -> None:
    zoom = client_for(server, fresh_account)
    recurrence = json.dumps({"type": 3, "monthly_week": 1, "monthly_week_day": 2, "end_times": 3})

    created = zoom.webinar.create(
        host_id=fresh_account.host_id,
        topic="Monthly",
        type=9,
        start_time=datetime(2030, 1, 1, 9, 0, tzinfo=UTC),
        timezone="UTC",
        recurrence=recurrence,
    ).json()
    got = zoom.webinar.get(host_id=fresh_account.host_id, id=created["id"]).json()

    assert [o["start_time"] for o in got["occurrences"]] == [
        "2030-01-07T09:00:00Z",
        "2030-02-04T09:00:00Z",
        "2030-03-04T09:00:00Z",
    ]


def test_zoomus_bad_credentials(server: PodiumServer, fresh_account: TestAccount) -> None:
    zoom = client_for(server, TestAccount(0, fresh_account.api_key, "wrong", ""))

    response = zoom.webinar.list(host_id=fresh_account.host_id)

    assert response.status_code == 200
    assert response.json() == {"error": {"code": 200, "message": "Invalid api key or secret"}}
