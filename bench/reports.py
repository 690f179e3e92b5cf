"""The organiser's reports and exports at scale (issue 18): `python bench/reports.py`.

Seeds a SQLite file with bulk SQL inserts: a webinar of 100,000 registrants, one ended
session of 60 minutes that 10,000 of them joined, and a second webinar of 10,000
registrants. Then, straight through the ASGI callable (no socket; the body chunks counted
and dropped as a client would read them):

- the attendance chart of the 10,000-attendee session (query, per-minute counts, SVG), and
  the whole report page of that session;
- registrants.csv of 100,000 rows: rows per second, and the peak of Python memory
  (tracemalloc) beside the export of 10,000 rows: flat memory means the same peak.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from starlette.testclient import TestClient

from podium.db import migrate
from podium.db.models import Attendance, Registrant, Webinar, WebinarInstance
from podium.services import session_report
from podium.settings import Settings
from podium.web import charts
from podium.web.app import create_app

BIG, SMALL, ATTENDEES = 100_000, 10_000, 10_000
START = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)


def say(line: str) -> None:
    print(line)  # noqa: T201


def check(condition: bool, what: object) -> None:
    if not condition:
        raise SystemExit(f"unexpected: {what}")


def scope(path: str, token: str) -> dict[str, Any]:
    return {
        "type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
        "query_string": b"", "headers": [(b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1), "root_path": "", "http_version": "1.1", "scheme": "http",
        "server": ("127.0.0.1", 80),
    }  # fmt: skip


async def fetch(app: Any, path: str, token: str) -> tuple[int, int, int]:
    """(status, bytes, lines) of GET `path`, the body read and dropped chunk by chunk."""
    status, size, lines = 0, 0, 0
    asked = False
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if asked:  # a streaming response listens for a disconnect: none comes
            await never.wait()
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size, lines
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            size += len(body)
            lines += body.count(b"\n")

    await app(scope(path, token), receive, send)
    return status, size, lines


def timed_fetch(app: Any, path: str, token: str) -> tuple[float, int, int, int]:
    """(seconds, status, bytes, lines) of GET `path`, as `fetch` reads it."""
    began = time.perf_counter()
    status, size, lines = asyncio.run(fetch(app, path, token))
    return time.perf_counter() - began, status, size, lines


def seed_registrants(runtime: Any, webinar_id: int, count: int) -> None:
    def work(session: Any) -> None:
        seq = session.execute(select(Webinar.seq).where(Webinar.id == webinar_id)).scalar_one()
        made = START - timedelta(days=30)
        rows = [
            {
                "registrant_id": f"r{webinar_id % 100000}-{n}",
                "webinar_seq": seq,
                "position": n,
                "email": f"person{n}@bench.test",
                "email_key": f"person{n}@bench.test",
                "first_name": f"First{n}",
                "last_name": "=Formula" if n % 10 == 0 else f"Last{n}",
                "city": "Paris",
                "status": "approved",
                "token_nonce": f"n{n}",
                "token_digest": f"{webinar_id}-{n}",
                "created_at": made + timedelta(seconds=n * 25),
                "updated_at": made,
            }
            for n in range(1, count + 1)
        ]
        session.execute(insert(Registrant), rows)
        session.execute(update(Webinar).where(Webinar.seq == seq).values(registrant_total=count))

    runtime.run(work, writes=True)


def seed_session(runtime: Any, webinar_id: int) -> None:
    """One 60-minute session: ATTENDEES registrants join over 10 minutes, leave over the
    last 20 (a tenth of them drop out and come back)."""

    def work(session: Any) -> None:
        seq = session.execute(select(Webinar.seq).where(Webinar.id == webinar_id)).scalar_one()
        instance = WebinarInstance(
            uuid="benchsession", webinar_seq=seq, started_at=START,
            ended_at=START + timedelta(minutes=60),
        )  # fmt: skip
        session.add(instance)
        session.flush()
        people = session.execute(
            select(Registrant.id, Registrant.first_name, Registrant.email)
            .where(Registrant.webinar_seq == seq)
            .order_by(Registrant.position)
            .limit(ATTENDEES)
        ).all()
        rows = []
        for n, (pk, name, email) in enumerate(people):
            joined = START + timedelta(seconds=n * 600 // ATTENDEES)
            left = START + timedelta(minutes=40, seconds=n * 1200 // ATTENDEES)
            common = {"instance_id": instance.id, "registrant_pk": pk, "name": name, "email": email}
            if n % 10 == 0:
                back = joined + timedelta(minutes=15)
                rows.append(common | {"joined_at": joined, "last_seen_at": back, "left_at": back})
                joined = back + timedelta(minutes=2)
            rows.append(common | {"joined_at": joined, "last_seen_at": left, "left_at": left})
        session.execute(insert(Attendance), rows)

    runtime.run(work, writes=True)


def chart_ms(runtime: Any) -> float:
    def work(session: Any) -> str:
        instance = session.execute(
            select(WebinarInstance).where(WebinarInstance.uuid == "benchsession")
        ).scalar_one()
        counts = session_report.presence_per_minute(session, instance)
        labels = [f"{i}" for i in range(len(counts))]
        return str(charts.line_chart("a", "People present", "60 minutes", labels, counts))

    began = time.perf_counter()
    runtime.run(work, writes=False)
    return (time.perf_counter() - began) * 1000


def main() -> None:
    settings = Settings.temporary()
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    runtime = app.state.runtime
    account = runtime.new_account(name="Bench", host_email="host@bench.test")
    with TestClient(app) as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "account_credentials", "account_id": str(account.account_id)},
            auth=(account.api_key, account.api_secret),
        ).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        body = {
            "topic": "Big",
            "start_time": "2030-01-01T10:00:00Z",
            "settings": {"approval_type": 0},
        }
        big = client.post("/v2/users/me/webinars", json=body, headers=bearer).json()["id"]
        small = client.post("/v2/users/me/webinars", json=body, headers=bearer).json()["id"]
    began = time.perf_counter()
    seed_registrants(runtime, big, BIG)
    seed_registrants(runtime, small, SMALL)
    seed_session(runtime, big)
    say(
        f"seeded {BIG + SMALL:,} registrants, {ATTENDEES:,} attendees in {time.perf_counter() - began:.1f} s"
    )

    charts_ms = [chart_ms(runtime) for _ in range(5)]
    say(
        f"attendance chart, {ATTENDEES:,} attendees (query + counts + SVG): median {statistics.median(charts_ms):.0f} ms of 5"
    )
    page_ms = []
    for _ in range(3):
        seconds, status, size, _ = timed_fetch(app, f"/manage/webinars/{big}/report", token)
        page_ms.append(seconds * 1000)
        check(status == 200, status)
    say(
        f"whole report page of that session ({size:,} bytes): median {statistics.median(page_ms):.0f} ms of 3"
    )

    rates = []
    for _ in range(3):
        seconds, status, size, lines = timed_fetch(
            app, f"/manage/webinars/{big}/registrants.csv", token
        )
        check((status, lines) == (200, BIG + 1), (status, lines))
        rates.append(BIG / seconds)
    say(
        f"registrants.csv, {BIG:,} rows ({size / 1e6:.1f} MB): median {statistics.median(rates):,.0f} rows/s of 3"
    )

    for webinar_id, count in ((small, SMALL), (big, BIG)):
        tracemalloc.start()
        status, _, lines = asyncio.run(
            fetch(app, f"/manage/webinars/{webinar_id}/registrants.csv", token)
        )
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        check((status, lines) == (200, count + 1), (status, lines))
        say(
            f"registrants.csv, {count:,} rows: Python memory peak {peak / 1e6:.1f} MB (tracemalloc)"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"process max RSS over the whole run (seeding included): {rss:.0f} MB")


if __name__ == "__main__":
    main()
