"""Zoom's own SDK receives Podium's webhooks: @zoom/rivet 0.4.0's HttpReceiver (its
MeetingsS2SAuthClient with a webhooks secret token, at its default /zoom/events, on loopback)
answers the URL validation and verifies every event's signature itself — non-ASCII topics and
names included — and refuses a mis-signed one."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.db.models import WebhookDelivery, WebhookSubscription
from podium.settings import Settings
from podium.testing import PodiumServer
from tests.conftest import fresh_database

pytestmark = pytest.mark.e2e
NODE_DIR = Path(__file__).resolve().parents[1] / "node"
SECRET = "rivet-secret-tøken"


class Rivet:
    """The receiver in a Node process; what it verified, line by line."""

    def __init__(self) -> None:
        node = shutil.which("node")
        assert node is not None, "Node.js is required (make test installs @zoom/rivet)"
        assert (NODE_DIR / "node_modules" / "@zoom" / "rivet").is_dir(), "run `make test`"
        self.process = subprocess.Popen(
            [node, str(NODE_DIR / "webhook_receiver.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "WEBHOOK_SECRET": SECRET},
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.lines.get(timeout=30)
        assert ready["address"] == "127.0.0.1", ready
        self.url = f"http://127.0.0.1:{ready['port']}/zoom/events"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def events(self, count: int, timeout: float = 20) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            found.append(self.lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
        return found

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def rivet() -> Iterator[Rivet]:
    receiver = Rivet()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PodiumServer]:
    """A sandbox on a database of its own: another server's worker on the same outbox
    would send these tests' deliveries without their fault rules (and its clock)."""
    for database_url in fresh_database(tmp_path_factory):
        with PodiumServer(Settings(database_url=database_url)) as running:
            yield running


def test_rivet_validates_the_endpoint_and_verifies_every_event(
    hub: PodiumServer, rivet: Rivet
) -> None:
    account = hub.create_account(host_email="hôte@exämple.test")
    added = httpx2.post(
        hub.url(f"/podium/api/accounts/{account.account_id}/webhooks"),
        json={"url": rivet.url, "secret_token": SECRET},
        timeout=30,
    )
    assert (added.status_code, added.json()["status"]) == (201, "active")  # Rivet answered

    def call(action: str, **params: Any) -> Any:
        keys = {"api_key": account.api_key, "api_secret": account.api_secret}
        return httpx2.post(
            f"{hub.base_url}/{action}", data={**keys, "host_id": account.host_id, **params}
        ).json()

    webinar = call("webinar/create", topic="Café ünïcode ✓ 日本語 🎉", approval_type=1)
    person = call(
        "webinar/register",
        id=webinar["id"],
        email="zoë@x.test",
        first_name="Zoë",
        last_name="Ñúñez",
    )
    call("webinar/registrants/approve", id=webinar["id"], registrant_ids=person["registrant_id"])
    call("webinar/update", id=webinar["id"], agenda='Ça commence «bientôt»\n\t"cité"')
    hub.simulate(webinar["id"], seed=1, show_up_rate=1, rejoin_rate=0, questions=0)
    call("webinar/delete", id=webinar["id"])

    verified = rivet.events(9)
    assert sorted(line["event"] for line in verified) == sorted(
        [
            "webinar.created",
            "webinar.registration_created",
            "webinar.registration_approved",
            "webinar.updated",
            "webinar.started",
            "webinar.participant_joined",
            "webinar.participant_left",
            "webinar.ended",
            "webinar.deleted",
        ]
    )
    by_event = {line["event"]: line["body"] for line in verified}
    assert by_event["webinar.created"]["payload"]["object"]["topic"] == "Café ünïcode ✓ 日本語 🎉"
    assert (
        by_event["webinar.registration_created"]["payload"]["object"]["registrant"]["first_name"]
        == "Zoë"
    )
    assert by_event["webinar.updated"]["payload"]["object"]["agenda"] == (
        'Ça commence «bientôt»\n\t"cité"'
    )
    assert by_event["webinar.created"]["payload"]["operator"] == "hôte@exämple.test"


def test_rivet_refuses_a_mis_signed_delivery(hub: PodiumServer, rivet: Rivet) -> None:
    account = hub.create_account()
    added = httpx2.post(
        hub.url(f"/podium/api/accounts/{account.account_id}/webhooks"),
        json={"url": rivet.url, "secret_token": SECRET, "events": ["webinar.created"]},
        timeout=30,
    ).json()
    hub.inject_webhook("webinar.created", bad_signature=True, count=1)
    keys = {"api_key": account.api_key, "api_secret": account.api_secret}
    httpx2.post(
        f"{hub.base_url}/webinar/create", data={**keys, "host_id": account.host_id, "topic": "X"}
    )

    def failed(session: Session) -> list[tuple[str, int | None, str]]:
        rows = session.execute(
            select(WebhookDelivery)
            .join(WebhookSubscription)
            .where(WebhookSubscription.subscription_id == added["id"])
        ).scalars()
        return [(r.status, r.last_status, r.last_error) for r in rows if r.status == "failed"]

    deadline = time.monotonic() + 60
    while not (found := hub.runtime.run(failed, writes=False)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert found == [
        (
            "failed",
            400,
            'it answered HTTP 400: {"error":"Failed to verify event originated from Zoom."}',
        )
    ]
    assert rivet.lines.empty()
