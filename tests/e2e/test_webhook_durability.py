"""Webhooks are at least once across kill -9, and two workers never send the same attempt:
`podium serve` killed mid-burst loses no event (the webhook outbox commits with the change);
two `podium webhook send-pending` at once send each delivery exactly once. Subscriptions are
made with `podium webhook add`, whose endpoint must pass the URL validation."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx2
import pytest
from sqlalchemy.orm import Session

from podium.db import migrate
from podium.services import accounts, registration, webinars
from podium.services.lookup import find_webinar
from podium.services.registration import Attendee
from podium.services.webinars import WebinarSettings
from podium.settings import Settings
from podium.web.runtime import Runtime
from podium.web.webhook_sink import WebhookSink
from tests.conftest import fresh_database
from tests.e2e.harness import account, grown, start, wait_until
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e
SECRET = "durable-secret"


@pytest.fixture
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from fresh_database(tmp_path_factory)


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookSink]:
    monkeypatch.setenv("PODIUM_WEBHOOK_ALLOW_PRIVATE", "1")  # the sink is on loopback
    with WebhookSink(SECRET) as running:
        yield running


def subscribe(database_url: str, account_id: object, sink: WebhookSink) -> str:
    added = subprocess.run(
        [
            *PODIUM,
            "webhook",
            "add",
            "--account-id",
            str(account_id),
            "--url",
            sink.url,
            "--event",
            "webinar.registration_created",
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PODIUM_WEBHOOK_SECRET_TOKEN": SECRET},
    )
    assert added.returncode == 0, added.stderr
    return added.stdout.split()[0]


def delivery_processes(database_url: str) -> list[int]:
    """`podium webhook work` processes of this database (a server runs one beside itself)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not a process
            continue
        if b"work" in command and f"PODIUM_DATABASE_URL={database_url}".encode() in environ:
            found.append(int(entry.name))
    return found


def registrant_ids(sink: WebhookSink) -> Counter[str]:
    return Counter(
        item.body["payload"]["object"]["registrant"]["id"]
        for item in sink.deliveries("webinar.registration_created")
    )


class Writers:
    """Threads registering new e-mails, keeping the registrant ids acknowledged."""

    def __init__(self, url: str, credentials: dict[str, str], webinar_id: int) -> None:
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.write, args=(n, url, credentials, webinar_id))
            for n in range(3)
        ]
        for thread in self.threads:
            thread.start()

    def write(self, writer: int, url: str, credentials: dict[str, str], webinar_id: int) -> None:
        number = 0
        with httpx2.Client(timeout=5) as client:
            while not self.stop.is_set():
                email = f"w{writer}n{number}-{url[-5:]}@x.test"
                number += 1
                person = {"email": email, "first_name": "K", "last_name": "9"}
                try:
                    answer = client.post(
                        f"{url}/v1/webinar/register",
                        data={**credentials, "id": str(webinar_id), **person},
                    ).json()
                except httpx2.TransportError:
                    continue  # not acknowledged: it may or may not have happened
                if "registrant_id" in answer:
                    with self.lock:
                        self.acked.append(answer["registrant_id"])

    def finish(self) -> list[str]:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)
        return self.acked


def test_a_sigkill_mid_burst_loses_no_event(database_url: str, sink: WebhookSink) -> None:
    keys = account(["--database-url", database_url])
    subscribe(database_url, keys["account_id"], sink)
    process, url, _ = start(database_url)
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    webinar_id = httpx2.post(
        f"{url}/v1/webinar/create",
        data={**credentials, "host_id": keys["host_id"], "topic": "K", "approval_type": "0"},
    ).json()["id"]
    try:
        before = Writers(url, credentials, webinar_id)
        grown(before.acked, 150)
        [worker] = delivery_processes(database_url)
        process.send_signal(signal.SIGKILL)  # mid-burst: deliveries in flight and claimed
        process.wait(timeout=60)
        if process.stdout is not None:
            process.stdout.close()
        wait_until(lambda: worker not in delivery_processes(database_url))  # its pipe closed
        acked = before.finish()
        process, url, _ = start(database_url)  # the dead run's claims lapse (a lease)
        after = Writers(url, credentials, webinar_id)
        grown(after.acked, 150)
        acked += after.finish()
        wait_until(lambda: set(acked) <= set(registrant_ids(sink)), seconds=90)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()

    wait_until(lambda: not delivery_processes(database_url))
    assert not set(acked) - set(registrant_ids(sink))
    assert len(acked) >= 300


def test_two_workers_never_send_the_same_delivery(database_url: str, sink: WebhookSink) -> None:
    keys = account(["--database-url", database_url])
    subscribe(database_url, keys["account_id"], sink)
    migrate.upgrade(database_url)
    runtime = Runtime.build(Settings(database_url=database_url))
    try:
        webinar = runtime.run(
            lambda s: _webinar(runtime, s, int(keys["account_id"]), keys["host_id"]), writes=True
        )
        for n in range(300):  # 300 deliveries owed, none sent (no server runs)
            runtime.run(partial(_register, runtime, webinar, n), writes=True)
    finally:
        runtime.engine.dispose()
    command = [*PODIUM, "webhook", "send-pending", "--database-url", database_url]
    workers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    reports = [worker.communicate(timeout=120) for worker in workers]

    sent = registrant_ids(sink)
    assert len(sent) == 300
    assert set(sent.values()) == {1}  # each exactly once
    assert [worker.returncode for worker in workers] == [0, 0]
    totals = sorted(int(out.split()[1].rstrip(",")) for out, _ in reports)
    assert sum(totals) == 300, reports


def _register(runtime: Runtime, webinar_id: int, n: int, session: Session) -> None:
    registration.register(
        session,
        find_webinar(session, webinar_id, account_id=None),
        Attendee(email=f"p{n}@x.test", first_name="P", last_name=str(n)),
        occurrence_ids=(),
        issuer=runtime.context.issuer,
        now=runtime.context.clock.now(),
    )


def _webinar(runtime: Runtime, session: Session, account_id: int, host_id: str) -> int:
    host = accounts.find_host(session, account_id, host_id)
    created = webinars.create_webinar(
        session,
        host,
        WebinarSettings(topic="Backlog", approval_type=0),
        issuer=runtime.context.issuer,
        now=runtime.context.clock.now(),
    )
    return created.id
