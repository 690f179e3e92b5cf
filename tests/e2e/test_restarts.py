"""Restarts under steady load over loopback (v1 and v2 callers side by side): SIGHUP with
--workers replaces every worker with no failed call; SIGTERM then a new start fails calls only while nothing listens. In both,
every write that was acknowledged is in the database afterwards."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text

from podium.db.engine import make_engine
from podium.testing import throwaway_postgres_database
from tests import serving
from tests.e2e.harness import account, wait_until
from tests.e2e.test_workers import needs_postgresql, worker_pids
from tests.serving import Output

pytestmark = pytest.mark.e2e
LOADERS = 4
TRANSPORT_ERRORS = ("ConnectError", "RemoteProtocolError", "ReadError", "WriteError")


@dataclass
class Load:
    """LOADERS threads registering new e-mails (and reading the webinar) until stopped: the
    even ones through v1, the odd ones through v2 with a Bearer token."""

    url: str
    keys: dict[str, str]
    webinar_id: int
    acknowledged: set[str] = field(default_factory=set)
    by_dialect: Counter[str] = field(default_factory=Counter)  # acknowledged registrations
    failures: list[str] = field(default_factory=list)
    reads: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for number in range(LOADERS):
            thread = threading.Thread(target=self._run, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, number: int) -> None:
        dialect = "v2" if number % 2 else "v1"
        sent = 0
        with httpx2.Client(base_url=self.url, timeout=30) as client:
            calls = V2Calls(client, self) if dialect == "v2" else V1Calls(client, self)
            while not self._stop.is_set():
                sent += 1
                email = f"l{number}-{sent}@load.test"
                try:
                    registered, read = calls.register(email, sent), calls.read()
                except (httpx2.TransportError, ValueError) as error:
                    with self._lock:
                        self.failures.append(f"{type(error).__name__}: {error}")
                    self._stop.wait(0.005)  # nothing listens: do not spin on the port
                    continue
                with self._lock:
                    if registered.get("registrant_id"):
                        self.acknowledged.add(email)
                        self.by_dialect[dialect] += 1
                    else:
                        self.failures.append(str(registered))
                    if read.get("id") == self.webinar_id:
                        self.reads += 1
                    else:
                        self.failures.append(str(read))

    def grows_by(self, count: int) -> None:
        target = len(self.acknowledged) + count
        wait_until(lambda: len(self.acknowledged) >= target, seconds=120)


class V1Calls:
    def __init__(self, client: httpx2.Client, load: Load) -> None:
        self.client, self.load = client, load
        self.credentials = {"api_key": load.keys["api_key"], "api_secret": load.keys["api_secret"]}

    def register(self, email: str, sent: int) -> dict[str, object]:
        form = {**self.credentials, "id": self.load.webinar_id, "email": email}
        answer = self.client.post(
            "/v1/webinar/register", data={**form, "first_name": "L", "last_name": str(sent)}
        )
        return dict(answer.json())

    def read(self) -> dict[str, object]:
        form = {
            **self.credentials,
            "host_id": self.load.keys["host_id"],
            "id": self.load.webinar_id,
        }
        return dict(self.client.post("/v1/webinar/get", data=form).json())


class V2Calls:
    def __init__(self, client: httpx2.Client, load: Load) -> None:
        self.client, self.load = client, load
        self.headers: dict[str, str] = {}

    def _authorised(self) -> dict[str, str]:
        if not self.headers:  # the token outlives restarts: it is in the database
            token = self.client.post(
                "/oauth/token",
                data={
                    "grant_type": "account_credentials",
                    "account_id": self.load.keys["account_id"],
                },
                auth=(self.load.keys["api_key"], self.load.keys["api_secret"]),
            ).json()["access_token"]
            self.headers = {"Authorization": f"Bearer {token}"}
        return self.headers

    def register(self, email: str, sent: int) -> dict[str, object]:
        body = {"email": email, "first_name": "L", "last_name": str(sent)}
        path = f"/v2/webinars/{self.load.webinar_id}/registrants"
        return dict(self.client.post(path, json=body, headers=self._authorised()).json())

    def read(self) -> dict[str, object]:
        path = f"/v2/webinars/{self.load.webinar_id}"
        return dict(self.client.get(path, headers=self._authorised()).json())


def stored_emails(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT email FROM registrants"))
            return {row[0] for row in rows}
    finally:
        engine.dispose()


def new_webinar(url: str, keys: dict[str, str]) -> int:
    created = httpx2.post(
        f"{url}/v1/webinar/create",
        data={**keys, "topic": "Load", "approval_type": "0"},
    ).json()
    return int(created["id"])


def serve(database_url: str, *options: str) -> tuple[Output, str]:
    served = serving.serve(
        "--database-url", database_url, *options, env={"PODIUM_LOG_LEVEL": "warning"}
    )
    return served.output, served.url


def stop(output: Output) -> None:
    serving.Served(output, "").stop()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the test's own: PostgreSQL when the suite runs on it, else SQLite."""
    server = os.environ.get("PODIUM_TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'podium.sqlite3'}"
        return
    with throwaway_postgres_database(server, "podium_restart") as url:
        yield url


@needs_postgresql
def test_sighup_replaces_workers_without_a_failed_call(database_url: str) -> None:
    keys = account(["--database-url", database_url])
    metrics_port = free_port()
    output, url = serve(
        database_url,
        "--port",
        "0",
        "--workers",
        "2",
        "--log-level",
        "info",
        "--metrics-port",
        str(metrics_port),
    )
    try:
        before = worker_pids(output.lines)
        load = Load(url, keys, new_webinar(url, keys))
        load.start()
        load.grows_by(100)
        output.process.send_signal(signal.SIGHUP)
        output.wait_for(lambda seen: any("every worker replaced" in line for line in seen))
        load.grows_by(100)
        load.stop()
        after = worker_pids(output.lines)[len(before) :]
        metrics = httpx2.get(f"http://127.0.0.1:{metrics_port}/metrics").text
    finally:
        stop(output)

    sys.stdout.write(  # the figures of the closing note (pytest -s)
        f"SIGHUP: {len(load.acknowledged)} registrations acknowledged {dict(load.by_dialect)}, "
        f"{load.reads} reads, {len(load.failures)} failed\n"
    )
    assert load.failures == []
    # every worker's count, the replaced ones' too (multiprocess mode), summed by the supervisor
    v1_calls = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith('podium_http_requests_total{method="POST",route="/v1/{action}"')
    )
    assert v1_calls == 2 * load.by_dialect["v1"] + 1  # registers, reads, the webinar/create
    v2_calls = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("podium_http_requests_total{") and 'route="/v2/' in line
    )
    assert v2_calls == 2 * load.by_dialect["v2"]
    assert min(load.by_dialect["v1"], load.by_dialect["v2"]) > 0
    assert "podium_outbox_backlog " in metrics
    assert "podium_webhooks_backlog 0.0" in metrics  # read by the supervisor too
    assert len(after) == 2
    assert set(after).isdisjoint(before)
    assert load.acknowledged - stored_emails(database_url) == set()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sigterm_then_start_loses_no_acknowledged_write(database_url: str) -> None:
    keys = account(["--database-url", database_url])
    port = str(free_port())
    output, url = serve(database_url, "--port", port)
    load = Load(url, keys, new_webinar(url, keys))
    try:
        load.start()
        load.grows_by(100)
        began = time.monotonic()
        stop(output)  # SIGTERM: the requests in flight finish, then it exits
        stopped_after = time.monotonic() - began
        output, url = serve(database_url, "--port", port)
        load.grows_by(100)
        load.stop()
    finally:
        stop(output)

    sys.stdout.write(  # the figures of the closing note (pytest -s)
        f"SIGTERM+start: {len(load.acknowledged)} acknowledged {dict(load.by_dialect)}, "
        f"{load.reads} reads, "
        f"{len(load.failures)} failed calls while the server was away "
        f"{Counter(f.split(':', 1)[0] for f in load.failures)}, the stop took "
        f"{stopped_after:.2f} s\n"
    )
    assert load.acknowledged - stored_emails(database_url) == set()
    # only calls that found nothing listening, or whose connection the stop cut, failed:
    # never with an answer (no 5xx, no error envelope)
    answered = [f for f in load.failures if not f.startswith(TRANSPORT_ERRORS)]
    assert answered == []
