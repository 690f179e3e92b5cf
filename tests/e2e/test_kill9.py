"""kill -9 durability (SQLite, synchronous=FULL): writers keep every acknowledged
registration; the harness SIGKILLs the server at a random moment, restarts it and checks that
every acknowledged write is there and equal, the database passes PRAGMA integrity_check, and
the restart answers within 3 s. 20 cycles."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest

pytestmark = pytest.mark.e2e
PODIUM = [sys.executable, "-m", "podium"]
CYCLES = 20
WRITERS = 4


def start(
    database: Path, *, file_size_kib: int | None = None
) -> tuple[subprocess.Popen[str], str, float]:
    """A `podium serve` on a free port (under `ulimit -f` when `file_size_kib` is given);
    its URL and how long it took to answer /healthz."""
    began = time.monotonic()
    command = [*PODIUM, "serve", "--port", "0", "--database-url", f"sqlite:///{database}"]
    if file_size_kib is not None:
        command = ["bash", "-c", f'ulimit -f {file_size_kib} && exec "$@"', "podium", *command]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    url = ""
    deadline = began + 30
    while not url and time.monotonic() < deadline:  # poll the output with a deadline
        found = re.search(r"listening on (\S+) ", process.stdout.readline())
        url = found.group(1) if found else ""
    assert url, "the server did not start"
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{url}/healthz", timeout=1).text == "ok":
                break
        except httpx2.TransportError:
            time.sleep(0.01)
    return process, url, time.monotonic() - began


def test_acknowledged_registrations_survive_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "podium.sqlite3"
    created = subprocess.run(
        [
            *PODIUM,
            "account",
            "create",
            "--name",
            "K",
            "--host-email",
            "k@x.test",
            "--json",
            "--database-url",
            f"sqlite:///{database}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    keys = json.loads(created.stdout)
    subprocess.run(
        [
            *PODIUM,
            "account",
            "set",
            "--account-id",
            str(keys["account_id"]),
            "--capacity",
            "1000000",
            "--database-url",
            f"sqlite:///{database}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
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

    for cycle in range(CYCLES):
        stop = threading.Event()

        def write(
            writer: int, url: str = url, cycle: int = cycle, stop: threading.Event = stop
        ) -> None:
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

        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        target = len(acked) + chance.randint(10, 150)  # the random moment: after that many acks
        deadline = time.monotonic() + 30
        while len(acked) < target:  # poll with a deadline
            assert time.monotonic() < deadline, "the writers stalled"
            time.sleep(0.005)
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
    missing = {email for email in acked if email not in stored}
    assert missing == set()
    assert {email: stored[email] for email in acked} == acked
    assert max(restarts) < 3, restarts
