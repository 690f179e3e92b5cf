"""kill -9 durability (SQLite, synchronous=FULL): writers keep every acknowledged
registration; the harness SIGKILLs the server at a random moment, restarts it and checks that
every acknowledged write is there and equal, the database passes PRAGMA integrity_check, and
the restart answers within 3 s. 20 cycles."""

from __future__ import annotations

import random
import signal
import sqlite3
import threading
from pathlib import Path

import httpx2
import pytest

from tests.e2e.harness import account, grown, start

pytestmark = pytest.mark.e2e
CYCLES = 20
WRITERS = 4


def test_acknowledged_registrations_survive_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "podium.sqlite3"
    keys = account(["--database-url", f"sqlite:///{database}"])
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
        process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
        process, url, took = start(database)
        restarts.append(took)

    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)
    assert process.stdout is not None
    process.stdout.close()
    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        stored = dict(connection.execute("SELECT email, registrant_id FROM registrants").fetchall())
    assert integrity == "ok"
    assert len(acked) > CYCLES * WRITERS  # the writers did write in every cycle
    assert {email: stored.get(email) for email in acked} == acked
    assert max(restarts) < 3, restarts
