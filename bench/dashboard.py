"""The dashboard's registrants page on a webinar with 100,000 registrants: how long page 1 and
page 1,000 take to render, signed in, through the whole app (ASGI, no socket).

    python bench/dashboard.py [--registrants 100000] [--rounds 30]

Seeds a fresh SQLite file (WAL) with one account, one manually approved webinar and its
registrants (a plain bulk insert), signs the owner in through /manage/login, then times
GET /manage/webinars/{id}/registrants (page 1), the same at `after=<position>` for page
1,000, page 500 of the "pending" filter (a third of them) and a search. Prints the medians and p95 in ms; targets:
page 1 ≤ 150 ms, page 1,000 ≤ 2 × page 1 (issue 18).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from podium.db import migrate  # noqa: E402
from podium.db.models import Registrant, User, Webinar  # noqa: E402
from podium.services import sign_in  # noqa: E402
from podium.settings import Settings  # noqa: E402
from podium.web.app import create_app  # noqa: E402
from podium.web.runtime import Runtime  # noqa: E402

PASSWORD = "bench password 1"
PER_PAGE = 50


def seed(runtime: Runtime, registrants: int) -> int:
    """An account, a webinar needing approval, `registrants` people (every 3rd pending)."""
    made = runtime.new_account(name="Bench", host_email="owner@bench.test")
    client = TestClient(create_app(runtime.settings, runtime), base_url=runtime.settings.public_url)
    answer = client.post(
        "/v1/webinar/create",
        data={
            "api_key": made.api_key,
            "api_secret": made.api_secret,
            "host_id": made.host_id,
            "topic": "Big launch",
            "approval_type": "1",
            "start_time": "2030-01-01T10:00:00Z",
        },
    )
    webinar_id = int(answer.json()["id"])
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def work(session: object) -> None:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        seq = session.execute(select(Webinar.seq).where(Webinar.id == webinar_id)).scalar_one()
        batch = []
        for position in range(1, registrants + 1):
            batch.append(
                {
                    "registrant_id": f"r{position:012d}",
                    "webinar_seq": seq,
                    "position": position,
                    "email": f"person{position}@bench.test",
                    "email_key": f"person{position}@bench.test",
                    "first_name": f"First{position}",
                    "last_name": "Person",
                    "status": "pending" if position % 3 == 0 else "approved",
                    "token_nonce": f"n{position:031d}",
                    "token_digest": f"d{position:063d}",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) == 10_000:
                session.execute(insert(Registrant), batch)
                batch = []
        if batch:
            session.execute(insert(Registrant), batch)
        session.execute(
            update(Webinar)
            .where(Webinar.seq == seq)
            .values(registrant_total=registrants, seats_taken=registrants)
        )
        user = session.execute(select(User)).scalar_one()
        sign_in.set_password(session, user, PASSWORD, now=now)

    runtime.run(work, writes=True)
    return webinar_id


def timed(client: TestClient, path: str, rounds: int) -> list[float]:
    client.get(path)  # warm: templates compiled, statements cached
    spent = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.get(path)
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text[:500]
        assert 'id="registrants"' in answer.text
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrants", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        settings = Settings(database_url=url, public_url="https://bench.test")
        runtime = Runtime.build(settings)
        started = time.perf_counter()
        webinar_id = seed(runtime, options.registrants)
        print(
            f"seeded {options.registrants:,} registrants in {time.perf_counter() - started:.1f} s"
        )
        client = TestClient(create_app(settings, runtime), base_url=settings.public_url)
        form = client.get("/manage/login").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        signed = client.post(
            "/manage/login",
            data={"csrf_token": token, "email": "owner@bench.test", "password": PASSWORD},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:300]
        base = f"/manage/webinars/{webinar_id}/registrants"
        deep = PER_PAGE * 999  # page 1,000 starts after this position
        pending_deep = 3 * PER_PAGE * 499  # every 3rd is pending: page 500 of the filter
        runs = {
            "page 1": base,
            "page 1,000": f"{base}?after={deep}",
            "pending, page 1": f"{base}?status=pending",
            "pending, page 500": f"{base}?status=pending&after={pending_deep}",
            "search (e-mail contains)": f"{base}?q=person99999",
        }
        medians = {}
        for name, path in runs.items():
            spent = timed(client, path, options.rounds)
            medians[name] = statistics.median(spent)
            p95 = sorted(spent)[int(0.95 * (len(spent) - 1))]
            print(f"{name:28} median {medians[name]:7.1f} ms   p95 {p95:7.1f} ms")
        ratio = medians["page 1,000"] / medians["page 1"]
        print(
            f"page 1 ≤ 150 ms: {'yes' if medians['page 1'] <= 150 else 'NO'}; "
            f"page 1,000 / page 1 = {ratio:.2f} (≤ 2: {'yes' if ratio <= 2 else 'NO'})"
        )
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
