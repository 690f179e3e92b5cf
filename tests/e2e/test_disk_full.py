"""Disk full: a server whose files cannot grow (`ulimit -f`) answers writes with the v1
envelope, HTTP 503 and Retry-After — never a traceback — keeps answering reads, and after a
restart without the limit every acknowledged write is there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx2
import pytest

from tests.e2e.harness import account, start

pytestmark = pytest.mark.e2e
UNAVAILABLE = {
    "error": {
        "code": 503,
        "message": "The database is unavailable right now; nothing was changed. Try again later.",
    }
}


def test_a_full_disk_is_a_503_and_nothing_acknowledged_is_lost(tmp_path: Path) -> None:
    database = tmp_path / "podium.sqlite3"
    option = ["--database-url", f"sqlite:///{database}"]
    keys = account(option)
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    process, url, _ = start(database)
    webinar_id = httpx2.post(
        f"{url}/v1/webinar/create",
        data={
            **credentials,
            "host_id": keys["host_id"],
            "topic": "D",
            "approval_type": "0",
            "start_time": "2099-01-01T10:00:00Z",
        },
    ).json()["id"]
    process.terminate()
    process.wait(timeout=60)
    assert process.stdout is not None
    process.stdout.close()
    limit_kib = max(database.stat().st_size // 1024, 64) + 96  # room for a few hundred rows

    process, url, _ = start(database, file_size_kib=limit_kib)
    acked: dict[str, str] = {}
    refusals = []
    with httpx2.Client(timeout=10) as client:
        for number in range(3000):
            response = client.post(
                f"{url}/v1/webinar/register",
                data={
                    **credentials,
                    "id": webinar_id,
                    "email": f"d{number}@x.test",
                    "first_name": "D",
                    "last_name": "F",
                },
            )
            answer = response.json()
            if "registrant_id" in answer:
                acked[f"d{number}@x.test"] = answer["registrant_id"]
                continue
            refusals.append((response.status_code, response.headers.get("retry-after"), answer))
            if len(refusals) == 5:
                break
        read = client.post(
            f"{url}/v1/webinar/get",
            data={**credentials, "host_id": keys["host_id"], "id": webinar_id},
        )
    process.terminate()
    process.wait(timeout=60)
    assert process.stdout is not None
    log = process.stdout.read()
    process.stdout.close()

    assert acked, "some registrations fit before the limit"
    assert refusals == [(503, "30", UNAVAILABLE)] * 5
    assert read.json()["topic"] == "D"
    assert "Traceback" not in log
    process, url, _ = start(database)  # no limit now
    after = httpx2.post(
        f"{url}/v1/webinar/register",
        data={
            **credentials,
            "id": webinar_id,
            "email": "after@x.test",
            "first_name": "A",
            "last_name": "F",
        },
    ).json()
    process.terminate()
    process.wait(timeout=60)
    assert process.stdout is not None
    process.stdout.close()
    with sqlite3.connect(database) as connection:
        stored = dict(connection.execute("SELECT email, registrant_id FROM registrants").fetchall())
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"
    assert {email: stored.get(email) for email in acked} == acked
    assert "registrant_id" in after
