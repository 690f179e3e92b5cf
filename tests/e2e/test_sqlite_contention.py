"""Two `podium serve` processes on one SQLite file, 16 writers: "database is locked" never
reaches a client — every registration is acknowledged and stored, none is a 500."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import httpx2
import pytest

from tests.e2e.harness import account, start

pytestmark = pytest.mark.e2e
WRITERS_PER_PROCESS = 8
EACH = 25


def test_sixteen_writers_across_two_processes(tmp_path: Path) -> None:
    database = tmp_path / "podium.sqlite3"
    url_option = ["--database-url", f"sqlite:///{database}"]
    keys = account(url_option)
    servers = [start(database) for _ in range(2)]
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    webinar_id = httpx2.post(
        f"{servers[0][1]}/v1/webinar/create",
        data={
            **credentials,
            "host_id": keys["host_id"],
            "topic": "L",
            "approval_type": "0",
            "start_time": "2099-01-01T10:00:00Z",
        },
    ).json()["id"]
    answers: list[tuple[int, dict[str, object]]] = []
    lock = threading.Lock()

    def write(url: str, writer: int) -> None:
        with httpx2.Client(timeout=30) as client:
            for number in range(EACH):
                response = client.post(
                    f"{url}/v1/webinar/register",
                    data={
                        **credentials,
                        "id": webinar_id,
                        "email": f"w{writer}n{number}@x.test",
                        "first_name": "L",
                        "last_name": "M",
                    },
                )
                with lock:
                    answers.append((response.status_code, response.json()))

    threads = [
        threading.Thread(target=write, args=(servers[n % 2][1], n))
        for n in range(2 * WRITERS_PER_PROCESS)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for process, _url, _took in servers:
            process.terminate()
            process.wait(timeout=60)
            assert process.stdout is not None
            process.stdout.close()

    total = 2 * WRITERS_PER_PROCESS * EACH
    assert len(answers) == total
    failures = [
        answer for status, answer in answers if status != 200 or "registrant_id" not in answer
    ]
    assert failures == []
    with sqlite3.connect(database) as connection:
        counts = connection.execute(
            "SELECT count(*), count(DISTINCT email) FROM registrants"
        ).fetchone()
    assert counts == (total, total)
