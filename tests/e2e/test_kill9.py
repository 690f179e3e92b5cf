"""kill -9 durability: writers keep every acknowledged registration; the harness SIGKILLs the
server at a random moment, restarts it and checks that every acknowledged write is there and
equal, and (SQLite, synchronous=FULL) the file passes
PRAGMA integrity_check. 20 cycles on SQLite; on PostgreSQL (a throwaway cluster, in the
PostgreSQL pass) too."""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.harness import Cluster, account, grown, start

pytestmark = pytest.mark.e2e
CYCLES = 20
WRITERS = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'podium.sqlite3'}"
        return
    if not os.environ.get("PODIUM_TEST_DATABASE_URL"):
        pytest.skip("the PostgreSQL pass runs it")
    cluster = Cluster()
    cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.remove()


def stored_registrants(database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT email, registrant_id FROM registrants")).all()
            if engine.dialect.name == "sqlite":
                integrity = connection.execute(text("PRAGMA integrity_check")).scalar_one()
                assert integrity == "ok"
    finally:
        engine.dispose()
    return {str(email): str(registrant_id) for email, registrant_id in rows}


def test_acknowledged_registrations_survive_sigkill(database_url: str) -> None:
    database = database_url
    keys = account(["--database-url", database_url])
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    acked: dict[str, str] = {}
    lock = threading.Lock()
    chance = random.Random(20261124)
    restarts: list[float] = []
    process, url, _ = start(database)
    webinar_id = httpx2.post(
        f"{url}/v1/webinar/create",
        data={
            **credentials,
            "host_id": keys["host_id"],
            "topic": "K",
            "approval_type": "0",
            "start_time": "2099-01-01T10:00:00Z",
        },
    ).json()["id"]

    def write(writer: int, url: str, cycle: int, stop: threading.Event) -> None:
        number = 0
        with httpx2.Client(timeout=5) as client:
            while not stop.is_set():
                email = f"c{cycle}w{writer}n{number}@x.test"
                number += 1
                try:
                    answer = client.post(
                        f"{url}/v1/webinar/register",
                        data={
                            **credentials,
                            "id": webinar_id,
                            "email": email,
                            "first_name": "K",
                            "last_name": str(number),
                        },
                    ).json()
                except (httpx2.TransportError, ValueError):
                    continue  # not acknowledged: the server died under it
                assert "registrant_id" in answer, answer
                with lock:
                    acked[email] = answer["registrant_id"]

    for cycle in range(CYCLES):
        stop = threading.Event()
        threads = [
            threading.Thread(target=write, args=(n, url, cycle, stop)) for n in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        grown(acked, len(acked) + chance.randint(10, 150))  # the random moment
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
        process, url, took = start(database)
        restarts.append(took)

    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    assert process.stdout is not None
    process.stdout.close()
    stored = stored_registrants(database_url)
    assert len(acked) > CYCLES * WRITERS  # the writers did write in every cycle
    assert {email: stored.get(email) for email in acked} == acked
    sys.stdout.write(f"restarts answered /healthz after {max(restarts):.2f} s at most\n")  # -s
