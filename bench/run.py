"""`make bench`: Podium against a bare-ASGI reference, side by side, in one run.

Seeds a database (SQLite by default, --database-url for PostgreSQL), starts Podium
(`podium serve`) and the reference app (bench/reference.py) under uvicorn, drives both with wrk
on loopback (2 threads, 64 connections) and prints a Markdown table: req/s, p50, p99 and the
ratio to the reference, plus the figures of the issue's other targets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx2
from sqlalchemy import insert, update
from sqlalchemy.exc import OperationalError

from podium.db import migrate
from podium.db.models import Account, Attendance, Registrant, Webinar, WebinarInstance
from podium.services import accounts, webinars
from podium.services.webinars import WebinarSettings
from podium.settings import Settings
from podium.testing import throwaway_postgres_database
from podium.web.runtime import Runtime

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
NOW = datetime.now(UTC).replace(microsecond=0)  # noqa: TID251 - a benchmark's wall clock


@dataclass
class Seeded:
    account_id: int
    api_key: str
    api_secret: str
    host_id: str
    get_id: int
    register_id: int
    big_id: int
    ended_id: int

    def form(self, **params: object) -> str:
        return urlencode(
            {
                "api_key": self.api_key,
                "api_secret": self.api_secret,
                "host_id": self.host_id,
                **params,
            }
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _webinar(runtime: Runtime, host_id: str, account_id: int, **settings: object) -> int:
    def work(session: object) -> int:
        host = accounts.find_host(session, account_id, host_id)  # type: ignore[arg-type]
        created = webinars.create_webinar(
            session,
            host,
            WebinarSettings(**settings),  # type: ignore[arg-type]
            issuer=runtime.context.issuer,
            now=NOW,
        )
        return created.id

    return runtime.run(work, writes=True)  # type: ignore[arg-type]


def _registrants(runtime: Runtime, webinar_id: int, count: int) -> list[int]:
    """`count` approved registrants, bulk-inserted; their primary keys."""

    def work(session: object) -> list[int]:
        from sqlalchemy import select  # noqa: PLC0415

        s = session  # type: ignore[assignment]
        seq = s.execute(select(Webinar.seq).where(Webinar.id == webinar_id)).scalar_one()  # type: ignore[attr-defined]
        for start in range(0, count, 20_000):
            rows = []
            for n in range(start, min(count, start + 20_000)):
                nonce = f"{webinar_id}-{n}"
                rows.append(
                    {
                        "registrant_id": hashlib.md5(nonce.encode()).hexdigest()[:22],  # noqa: S324
                        "webinar_seq": seq,
                        "position": n + 1,
                        "email": f"p{n}@bench.test",
                        "email_key": f"p{n}@bench.test",
                        "first_name": "Bench",
                        "last_name": f"Person {n}",
                        "status": "approved",
                        "token_nonce": nonce,
                        "token_digest": hashlib.sha256(nonce.encode()).hexdigest(),
                        "custom_questions": "[]",
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
            s.execute(insert(Registrant), rows)  # type: ignore[attr-defined]
        s.execute(
            update(Webinar)
            .where(Webinar.seq == seq)
            .values(  # type: ignore[attr-defined]
                registrant_total=count, seats_taken=count
            )
        )
        return list(
            s.execute(
                select(Registrant.id)
                .where(  # type: ignore[attr-defined]
                    Registrant.webinar_seq == seq
                )
                .order_by(Registrant.position)
            ).scalars()
        )

    return runtime.run(work, writes=True)  # type: ignore[arg-type]


def _ended_session(runtime: Runtime, webinar_id: int, people: list[int], joins_each: int) -> None:
    def work(session: object) -> None:
        from sqlalchemy import select  # noqa: PLC0415

        s = session  # type: ignore[assignment]
        seq = s.execute(select(Webinar.seq).where(Webinar.id == webinar_id)).scalar_one()  # type: ignore[attr-defined]
        start = NOW - timedelta(hours=2)
        instance = WebinarInstance(
            uuid="benchbenchbenchbenchbe==",
            webinar_seq=seq,
            started_at=start,
            ended_at=start + timedelta(hours=1),
        )
        s.add(instance)  # type: ignore[attr-defined]
        s.flush()  # type: ignore[attr-defined]
        rows = [
            {
                "instance_id": instance.id,
                "registrant_pk": pk,
                "name": "Bench Person",
                "email": "p@bench.test",
                "joined_at": start + timedelta(minutes=10 * j),
                "last_seen_at": start + timedelta(minutes=10 * j + 5),
                "left_at": start + timedelta(minutes=10 * j + 5),
            }
            for pk in people
            for j in range(joins_each)
        ]
        for chunk in range(0, len(rows), 20_000):
            s.execute(insert(Attendance), rows[chunk : chunk + 20_000])  # type: ignore[attr-defined]
        s.execute(update(Webinar).where(Webinar.seq == seq).values(status=2))  # type: ignore[attr-defined]

    runtime.run(work, writes=True)  # type: ignore[arg-type]


def seed(database_url: str, *, big: int, attendees: int, joins_each: int) -> Seeded:
    migrate.upgrade(database_url)
    runtime = Runtime.build(Settings(database_url=database_url))
    context = runtime.context
    created = runtime.run(
        lambda s: accounts.create_account(
            s,
            name="Bench",
            host_email="host@bench.test",
            key=context.issuer.key,
            ids=context.issuer.ids,
            now=NOW,
        ),
        writes=True,
    )
    runtime.run(
        lambda s: s.execute(
            update(Account).where(Account.id == created.account_id).values(capacity=10**9)
        ),
        writes=True,
    )
    ids = dict(
        get_id=_webinar(
            runtime,
            created.host_id,
            created.account_id,
            topic="Get me",
            agenda="x" * 200,
            start_at=NOW + timedelta(days=30),
        ),
        register_id=_webinar(
            runtime,
            created.host_id,
            created.account_id,
            topic="Register",
            approval_type=0,
            start_at=NOW + timedelta(days=30),
        ),
        big_id=_webinar(
            runtime,
            created.host_id,
            created.account_id,
            topic="Big",
            approval_type=0,
            start_at=NOW + timedelta(days=30),
        ),
        ended_id=_webinar(
            runtime,
            created.host_id,
            created.account_id,
            topic="Ended",
            approval_type=0,
            start_at=NOW - timedelta(hours=2),
        ),
    )
    _registrants(runtime, ids["big_id"], big)
    people = _registrants(runtime, ids["ended_id"], attendees)
    _ended_session(runtime, ids["ended_id"], people, joins_each)
    runtime.engine.dispose()
    return Seeded(created.account_id, created.api_key, created.api_secret, created.host_id, **ids)


def listeners(port: int) -> int:
    """How many sockets listen on `port` (Linux: /proc/net/tcp, state 0A)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(row.split()[1].endswith(f":{port:04X}") and row.split()[3] == "0A" for row in rows)


@contextmanager
def serving(
    command: list[str], port: int, env: dict[str, str], *, processes: int = 1
) -> Iterator[int]:
    """Run `command` until it answers and all its `processes` listen (wrk keeps the
    connections it opens first: a worker that listens later would get none of them)."""
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=HERE.parent,
    )
    deadline = time.monotonic() + 30
    while True:  # poll until it answers, with a deadline
        try:
            httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            if listeners(port) >= processes:
                break
        except httpx2.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"did not start: {command}") from None
        time.sleep(0.1)
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    failures: int


def wrk(
    url: str,
    body: str,
    *,
    seconds: int,
    connections: int = 64,
    script: str = "post.lua",
    token: str = "",
) -> Load:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / script),
            url,
        ],
        env={**os.environ, "BENCH_BODY": body, "BENCH_TOKEN": token},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        assert match is not None, output
        return float(match.group(1)) * UNITS[match.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    failures = re.search(r"ENVELOPE_ERRORS (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    assert rps is not None and failures is not None, output
    return Load(
        float(rps.group(1)),
        latency("50"),
        latency("99"),
        int(failures.group(1)) + (int(non_2xx.group(1)) if non_2xx else 0),
    )


def one_and_two_workers(database_url: str, seeded: Seeded, seconds: int) -> tuple[Load, Load]:
    """webinar/get on PostgreSQL: `podium serve`, then `podium serve --workers 2`."""
    loads = []
    for processes in (1, 2):
        port = free_port()
        command = [
            str(BIN / "podium"),
            "serve",
            "--port",
            str(port),
            "--database-url",
            database_url,
            "--workers",
            str(processes),
        ]
        with serving(command, port, {}, processes=processes):
            loads.append(
                wrk(
                    f"http://127.0.0.1:{port}/v1/webinar/get",
                    seeded.form(id=seeded.get_id),
                    seconds=seconds,
                )
            )
    return loads[0], loads[1]


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--register-seconds", type=int, default=30)
    parser.add_argument("--registrants", type=int, default=300_000)
    parser.add_argument("--attendees", type=int, default=10_000)
    parser.add_argument("--workers-url", help="a PostgreSQL server (a database URL on it) for "
                        "the --workers comparison when the main run is on SQLite: the bench "
                        "makes a small database of its own there and drops it afterwards")
    parser.add_argument("--live-attendees", type=int, default=200,
                        help="attendees of the live session (bench/live_load.py); 0: none")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk (make bench does it)")
    folder = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    database_url = args.database_url or f"sqlite:///{folder / 'podium.sqlite3'}"
    started = time.monotonic()
    seeded = seed(database_url, big=args.registrants, attendees=args.attendees, joins_each=5)
    seeding = time.monotonic() - started
    reference_db = folder / "reference.sqlite3"
    reference = seed(f"sqlite:///{reference_db}", big=0, attendees=0, joins_each=0)
    podium_port, reference_port = free_port(), free_port()
    rows: list[tuple[str, Load, float | None]] = []
    with serving(
        [
            str(BIN / "uvicorn"),
            "--app-dir",
            str(HERE),
            "reference:app",
            "--port",
            str(reference_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        reference_port,
        {"BENCH_SQLITE_PATH": str(reference_db)},
    ):
        ref = wrk(
            f"http://127.0.0.1:{reference_port}/", f"id={reference.get_id}", seconds=args.seconds
        )
    rows.append(("reference: bare ASGI, one SQLite row", ref, 1.0))
    podium = [
        str(BIN / "podium"),
        "serve",
        "--port",
        str(podium_port),
        "--database-url",
        database_url,
    ]
    with serving(podium, podium_port, {}) as pid:
        base = f"http://127.0.0.1:{podium_port}/v1"
        get = wrk(f"{base}/webinar/get", seeded.form(id=seeded.get_id), seconds=args.seconds)
        rows.append(("webinar/get", get, get.rps / ref.rps))
        register = wrk(
            f"{base}/webinar/register",
            seeded.form(id=seeded.register_id, first_name="B", last_name="P"),
            seconds=args.register_seconds,
            script="register.lua",
        )
        rows.append((f"webinar/register ({args.register_seconds} s)", register, None))
        token = httpx2.post(
            f"http://127.0.0.1:{podium_port}/oauth/token",
            auth=(seeded.api_key, seeded.api_secret),
            data={"grant_type": "account_credentials", "account_id": str(seeded.account_id)},
        ).json()["access_token"]
        v2 = f"http://127.0.0.1:{podium_port}/v2"
        v2_get = wrk(
            f"{v2}/webinars/{seeded.get_id}",
            "",
            seconds=args.seconds,
            script="v2_get.lua",
            token=token,
        )
        rows.append(("v2 GET /webinars/{id} (Bearer)", v2_get, v2_get.rps / ref.rps))
        v2_register = wrk(
            f"{v2}/webinars/{seeded.register_id}/registrants",
            "",
            seconds=args.register_seconds,
            script="v2_register.lua",
            token=token,
        )
        rows.append((f"v2 POST …/registrants ({args.register_seconds} s)", v2_register, None))
        first = wrk(
            f"{base}/webinar/registration", seeded.form(id=seeded.big_id), seconds=5, connections=16
        )
        deep = wrk(
            f"{base}/webinar/registration",
            seeded.form(id=seeded.big_id, page_number=1000),
            seconds=5,
            connections=16,
        )
        rows.append(("webinar/registration page 1", first, None))
        rows.append(("webinar/registration page 1000", deep, None))
        timings = []
        for _ in range(3):
            began = time.monotonic()
            answer = httpx2.post(
                f"{base}/webinar/attendees/list",
                content=seeded.form(id=seeded.ended_id),
                timeout=60,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            timings.append(time.monotonic() - began)
            assert len(answer.json()["attendees"]) == args.attendees * 5
        rss = peak_rss_mb(pid)
    workers: tuple[Load, Load] | None = None
    if database_url.startswith("postgres"):
        workers = one_and_two_workers(database_url, seeded, args.seconds)
    elif args.workers_url:
        try:
            with throwaway_postgres_database(args.workers_url, "podium_bench") as small_url:
                small = seed(small_url, big=0, attendees=0, joins_each=0)
                workers = one_and_two_workers(small_url, small, args.seconds)
        except OperationalError as error:
            print(
                f"(no --workers comparison: PostgreSQL at {args.workers_url} refused: "
                f"{str(error.orig).strip()})\n"
            )
    if workers is not None:
        one, two = workers
        rows.append(("webinar/get, PostgreSQL, 1 process", one, one.rps / ref.rps))
        rows.append(("webinar/get, PostgreSQL, --workers 2", two, two.rps / ref.rps))
    print(
        f"Seeded {args.registrants:,} + {args.attendees:,} registrants and "
        f"{args.attendees * 5:,} joins in {seeding:.1f} s ({database_url.split(':')[0]}).\n"
    )
    print("| run | req/s | p50 ms | p99 ms | failures | ratio to reference |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, load, ratio in rows:
        shown = f"{ratio:.2f}" if ratio is not None else ""
        print(
            f"| {name} | {load.rps:,.0f} | {load.p50_ms:.2f} | {load.p99_ms:.2f} | "
            f"{load.failures} | {shown} |"
        )
    print(f"\n- registration page 1000 costs {first.rps / deep.rps:.2f}x page 1 (target <= 2)")
    print(
        f"- attendees/list, {args.attendees:,} attendees / {args.attendees * 5:,} joins: "
        f"median {statistics.median(timings):.3f} s (target <= 1 s)"
    )
    print(
        f"- webinar/get: {get.rps / ref.rps:.2f}x the reference (target >= 0.3), "
        f"p99 {get.p99_ms:.1f} ms (target <= 25)"
    )
    print(
        f"- webinar/register: {register.rps:,.0f}/s with {register.failures} failures "
        f"(target >= 1,000/s, 0 failures)"
    )
    print(
        f"- v2 GET /webinars/{{id}} with a Bearer token: {v2_get.rps:,.0f}/s, "
        f"{v2_get.rps / get.rps:.2f}x v1 webinar/get in this run (target >= 1)"
    )
    print(
        f"- v2 POST …/registrants: {v2_register.rps:,.0f}/s with {v2_register.failures} "
        "failures (target >= 1,000/s durable, 0 failures)"
    )
    print(f"- Podium peak RSS {rss:.0f} MB (target < 150)")
    if workers is not None:
        print(f"- webinar/get on PostgreSQL with 2 workers: {workers[1].rps / workers[0].rps:.2f}x "
              "one process (target >= 1.6)")
    if args.live_attendees:
        live_session(args.live_attendees)


def live_session(attendees: int) -> None:
    """A small live session (bench/live_load.py; `--attendees 10000` by hand): its figures."""
    command = [sys.executable, str(HERE / "live_load.py"), "--attendees", str(attendees),
               "--seconds", "60", "--idle-seconds", "11", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"- live session, {figures['attendees']:,} attendees (SSE): joined in "
          f"{figures['join_s']} s; poll reaches all p50/p99 {figures['poll_reach_p50_ms']}/"
          f"{figures['poll_reach_p99_ms']} ms; {figures['votes_per_s']} votes/s; host sees "
          f"the last vote {figures['host_sees_last_vote_ms']} ms after it; idle "
          f"{figures['idle_cpu_share']:.1%} CPU, {figures['idle_db_writes_per_s']} writes/s; "
          f"RSS {figures['rss_mb']} MB")


if __name__ == "__main__":
    main()
