"""`make bench-webhooks`: the webhook targets of issue 17, on SQLite (synchronous=FULL).

0. CPU on the hot path: the v1 registration's work (`register_new` and its durable consumers,
   in groups of 32 as group commit runs them) in one process, with and without one
   subscription: what the webhook outbox costs a registration, free of the machine's noise.
1. Burst: `webinar/register` at 1,000/s for 10 s (open loop, bench/burst.py) against `podium
   serve`, one subscription to a local receiver (bench/webhook_receiver.py, verifying every
   signature): every acknowledged registration's webhook must arrive; lag = arrival at the
   receiver − the registration's answer.
2. Throughput: wrk (2 threads, 64 connections, bench/register.lua) on an account without a
   subscription and on one with, alternately, twice each; the mean ratio.
3. A dead endpoint: the burst again, to an account with the live receiver and a receiver that
   passed validation and then never answers, against one with the live receiver alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any
from pathlib import Path
from urllib.parse import urlencode

import httpx2
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, HERE, _webinar, free_port, serving, wrk  # noqa: E402

from podium.db import migrate  # noqa: E402
from podium.services import accounts  # noqa: E402
from podium.settings import Settings  # noqa: E402
from podium.web.runtime import Runtime  # noqa: E402

ENV = {"PODIUM_WEBHOOK_ALLOW_PRIVATE": "1"}
SECRET = "bench-secret"


@dataclass
class Account:
    account_id: int
    form: str  # api_key, api_secret and the webinar's id, urlencoded


def make_account(database_url: str, name: str) -> Account:
    runtime = Runtime.build(Settings(database_url=database_url))
    context = runtime.context
    try:
        created = runtime.run(
            lambda s: accounts.create_account(
                s,
                name=name,
                host_email=f"{name}@bench.test",
                key=context.issuer.key,
                ids=context.issuer.ids,
                now=context.clock.now(),
            ),
            writes=True,
        )
        runtime.run(lambda s: accounts.set_capacity(s, created.account_id, 1_000_000), writes=True)
        webinar_id = _webinar(
            runtime, created.host_id, created.account_id, topic="Café ✓", approval_type=0
        )
    finally:
        runtime.engine.dispose()
    form = urlencode(
        {"api_key": created.api_key, "api_secret": created.api_secret, "id": webinar_id}
    )
    return Account(created.account_id, form)


@contextmanager
def receiver(*flags: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(HERE / "webhook_receiver.py"), str(port), SECRET, *flags]
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/stats", timeout=1)
            break
        except httpx2.TransportError:
            assert time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/zoom/events"
    finally:
        process.terminate()
        process.wait(timeout=10)


def subscribe(database_url: str, account: Account, url: str) -> None:
    subprocess.run(
        [
            str(BIN / "podium"),
            "webhook",
            "add",
            "--account-id",
            str(account.account_id),
            "--url",
            url,
            "--secret-token",
            SECRET,
            "--event",
            "webinar.registration_created",
            "--database-url",
            database_url,
        ],
        env={**os.environ, **ENV},
        check=True,
        capture_output=True,
        timeout=60,
    )


def arrivals(url: str) -> dict[str, float]:
    stats = httpx2.get(url.replace("/zoom/events", "/stats"), timeout=30).json()
    found: dict[str, float] = {}
    for email, at in stats["arrivals"]:
        found.setdefault(email, at)  # the first arrival of each (at least once)
    return found


def pending(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")
                ).scalar_one()
            )
    finally:
        engine.dispose()


@dataclass
class Burst:
    acked: int
    failures: int
    delivered: int
    median_lag: float
    p95_lag: float
    drained_after: float  # seconds from the burst's end to the last delivery


def burst(base: str, account: Account, url: str, tag: str, *, rate: int, seconds: int) -> Burst:
    output = subprocess.run(
        [sys.executable, str(HERE / "burst.py"), base, account.form, str(rate), str(seconds), tag],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    ).stdout
    result = json.loads(output)
    acked = dict(result["acked"])
    deadline = time.monotonic() + 120
    while True:  # poll until every acknowledged registration's webhook came
        came = {email: at for email, at in arrivals(url).items() if email.startswith(tag)}
        if set(acked) <= set(came) or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    lags = sorted(came[email] - at for email, at in acked.items() if email in came)
    return Burst(
        acked=len(acked),
        failures=result["failures"],
        delivered=len(set(acked) & set(came)),
        median_lag=statistics.median(lags),
        p95_lag=lags[int(len(lags) * 0.95)],
        drained_after=max(came.values()) - result["ended"],
    )


def drain(database_url: str) -> None:
    deadline = time.monotonic() + 180
    while pending(database_url) and time.monotonic() < deadline:
        time.sleep(0.25)


def hot_path(count: int) -> tuple[float, float]:
    """CPU µs per registration without and with one subscription (process time, best of 3)."""
    from podium.services import webhook_subscriptions
    from podium.services.registration import Attendee, register_new, registration_target
    from podium.services.webhook_subscriptions import NewSubscription

    database_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='podium-hot-')) / 'h.sqlite3'}"
    migrate.upgrade(database_url)
    runtime = Runtime.build(Settings(database_url=database_url, sqlite_synchronous="OFF"))
    context = runtime.context
    people = {name: make_account(database_url, name) for name in ("plain", "hooked")}
    runtime.run(
        lambda s: webhook_subscriptions.create(
            s,
            people["hooked"].account_id,
            NewSubscription("https://h.test/z", "k", ("webinar.registration_created",)),
            key=context.issuer.key,
            ids=context.issuer.ids,
            now=context.clock.now(),
        ),
        writes=True,
    )

    def one(account: Account, email: str, session: Any) -> None:
        keys = dict(item.split("=", 1) for item in account.form.split("&"))
        target = registration_target(
            session.connection(), api_key=keys["api_key"], webinar_id=int(keys["id"]), email=email
        )
        register_new(
            session,
            target,
            Attendee(email=email, first_name="Zoë", last_name="N"),
            issuer=context.issuer,
            now=context.clock.now(),
        )

    def cost(name: str, tag: str) -> float:
        began = time.process_time()
        for start in range(0, count, 32):
            runtime.run_together(
                [
                    partial(one, people[name], f"{tag}{n}@x.test")
                    for n in range(start, min(count, start + 32))
                ]
            )
        return (time.process_time() - began) / count * 1e6

    try:
        runs = [(cost("plain", f"p{r}-"), cost("hooked", f"h{r}-")) for r in range(3)]
    finally:
        runtime.engine.dispose()
    return min(p for p, _ in runs), min(h for _, h in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    args = parser.parse_args()
    plain_us, hooked_us = hot_path(4000)
    database_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='podium-hooks-')) / 'p.sqlite3'}"
    migrate.upgrade(database_url)
    plain, hooked, alone, beside_dead = (
        make_account(database_url, name) for name in ("plain", "hooked", "alone", "dead")
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    command = [str(BIN / "podium"), "serve", "--port", str(port), "--database-url", database_url]
    with receiver() as live, receiver("--dead") as dead:
        for account in (hooked, alone, beside_dead):
            subscribe(database_url, account, live)
        subscribe(database_url, beside_dead, dead)
        with serving(command, port, ENV):
            one = burst(base, hooked, live, "burst", rate=args.rate, seconds=args.seconds)
            drain(database_url)
            loads = {"without": [], "with": []}
            for _ in range(2):
                for name, account in (("without", plain), ("with", hooked)):
                    loads[name].append(
                        wrk(
                            f"{base}/webinar/register",
                            f"{account.form}&first_name=B&last_name=P",
                            seconds=args.wrk_seconds,
                            script="register.lua",
                        )
                    )
                    drain(database_url)
            healthy = burst(base, alone, live, "alone", rate=args.rate, seconds=args.seconds)
            drain(database_url)
            with_dead = burst(base, beside_dead, live, "dead", rate=args.rate, seconds=args.seconds)
    without = statistics.mean(load.rps for load in loads["without"])
    within = statistics.mean(load.rps for load in loads["with"])
    print(
        "| run | acknowledged | failures | delivered | median lag s | p95 lag s | last "
        "delivery after the burst s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, run in (
        ("burst, 1 subscription", one),
        ("live endpoint alone", healthy),
        ("live endpoint beside a dead one", with_dead),
    ):
        print(
            f"| {name} | {run.acked:,} | {run.failures} | {run.delivered:,} | "
            f"{run.median_lag:.3f} | {run.p95_lag:.3f} | {run.drained_after:.2f} |"
        )
    print()
    print("| wrk webinar/register | runs req/s | mean req/s |")
    print("|---|---|---:|")
    for name in ("without", "with"):
        shown = ", ".join(f"{load.rps:,.0f}" for load in loads[name])
        print(
            f"| {name} a subscription | {shown} | {statistics.mean(l.rps for l in loads[name]):,.0f} |"
        )
    print()
    print(
        f"- hot path CPU per registration: {plain_us:.0f} µs without, {hooked_us:.0f} µs with "
        f"one subscription ({plain_us / hooked_us:.2f}x)"
    )
    print(
        f"- burst: {one.delivered:,} of {one.acked:,} delivered, median lag {one.median_lag:.3f} s "
        "(target: none lost, < 1 s)"
    )
    print(f"- throughput with a subscription: {within / without:.2f}x without (target >= 0.8)")
    print(
        f"- a dead endpoint beside: median lag {with_dead.median_lag:.3f} s vs "
        f"{healthy.median_lag:.3f} s alone; last delivery {with_dead.drained_after:.2f} s vs "
        f"{healthy.drained_after:.2f} s after the burst (target: < 10 % slower)"
    )


if __name__ == "__main__":
    main()
