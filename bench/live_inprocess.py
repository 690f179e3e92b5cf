"""In-process cost of a live join and a vote (issue 21), straight through the ASGI callable
(no socket): a sandbox app on a fresh SQLite file (WAL, `synchronous=FULL`), a webinar with N
approved registrants and a poll, live. Then, `--concurrency` at a time:

- pages: N personal links opened (`GET /w/<id>?tk=…`), their pass read from the page;
- streams: N event streams opened (`GET /live/<id>/events?pass=…`) until their first state
  (they stay open, as the pages' would);
- votes: the host launches the poll and all N vote (`POST /live/<id>/vote`), each answered
  once its group is committed.

Printed: process CPU (every thread) and wall time per call in each phase. `--profile FILE`
writes a cProfile of the three phases. `python bench/live_inprocess.py --attendees 2000`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import re
import time
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from podium.api.seed import seed
from podium.codes import Role
from podium.db import migrate
from podium.services.instances import Participant
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.live import issue_pass

PASS = re.compile(rb'data-pass="([^"]+)"')


def scope(method: str, target: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    path, _, query = target.partition("?")
    return {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "headers": headers, "client": ("127.0.0.1", 1),
        "root_path": "", "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80),
    }  # fmt: skip


async def call(app: Any, method: str, target: str, body: bytes = b"", **headers: str) -> bytes:
    """One whole answer's body (an error status raises)."""
    sent: list[bytes] = []
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    raw = [(k.lower().replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    await app(scope(method, target, raw), receive, send)
    if status[0] >= 400:
        raise RuntimeError(f"{method} {target[:40]}: {status[0]} {b''.join(sent)[:200]!r}")
    return b"".join(sent)


async def open_stream(app: Any, target: str, done: asyncio.Event) -> asyncio.Task[None]:
    """An event stream held open until `done`; returns once its first state came."""
    arrived = asyncio.Event()
    started = False

    async def receive() -> dict[str, Any]:
        nonlocal started
        if not started:
            started = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"stream refused: {message['status']}")
        if message["type"] == "http.response.body" and b"event: state" in message.get("body", b""):
            arrived.set()

    task = asyncio.create_task(app(scope("GET", target, []), receive, send))
    waiting = asyncio.create_task(arrived.wait())
    await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
    if not arrived.is_set():
        waiting.cancel()
        await task  # raises what refused it
    return task


async def phase(name: str, items: list[Any], work: Any, concurrency: int) -> list[Any]:
    limit = asyncio.Semaphore(concurrency)

    async def one(item: Any) -> Any:
        async with limit:
            return await work(item)

    cpu, wall = time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(one(item) for item in items))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(  # noqa: T201
        f"{name:>8}: {cpu / len(items) * 1e6:7.0f} µs CPU, {wall / len(items) * 1e6:7.0f} µs "
        f"wall per call ({len(items) / wall:,.0f}/s)"
    )
    return results


async def lifespan(app: Any) -> tuple[asyncio.Task[None], asyncio.Queue[dict[str, Any]]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    ready = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            ready.set()

    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send)
    )
    await ready.wait()
    return task, inbox


async def run(args: argparse.Namespace) -> None:
    settings = replace(Settings.temporary(), sandbox=True)
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    runtime = app.state.runtime
    people = [
        {"email": f"p{n}@load.test", "first_name": "Load", "last_name": f"P{n}"}
        for n in range(args.attendees)
    ]
    poll = {"title": "Pulse", "questions": [{"name": "Ready?", "answers": ["Yes", "No", "Maybe"]}]}
    document = {"accounts": [{
        "name": "Load", "host_email": "host@load.test", "capacity": args.attendees,
        "webinars": [{"topic": "Load", "type": 5, "approval_type": 0,
                      "start_time": "2030-01-01T10:00:00Z", "registrants": people,
                      "polls": [poll]}],
    }]}  # fmt: skip
    seeded = runtime.run(lambda s: seed(s, runtime.context, document), writes=True)
    webinar = seeded["accounts"][0]["webinars"][0]
    webinar_id, poll_id = webinar["id"], webinar["poll_ids"][0]
    links = [
        urlsplit(p["join_url"])._replace(scheme="", netloc="").geturl()
        for p in webinar["registrants"]
    ]
    host = Participant(role=Role.HOST, name="host@load.test", email="host@load.test")
    host_pass = issue_pass(runtime, webinar_id, host, 1)
    live = f"/live/{webinar_id}"
    task, inbox = await lifespan(app)
    done = asyncio.Event()
    profile = cProfile.Profile() if args.profile else None
    try:
        await call(app, "POST", f"{live}/start", b'{"early": true}', x_podium_pass=host_pass)
        host_stream = await open_stream(app, f"{live}/events?pass={host_pass}", done)

        async def page(link: str) -> str:
            found = PASS.search(await call(app, "GET", link))
            assert found is not None  # noqa: S101
            return found.group(1).decode()

        async def stream(token: str) -> asyncio.Task[None]:
            return await open_stream(app, f"{live}/events?pass={token}", done)

        ballot = json.dumps({"poll_id": poll_id, "answers": {"Ready?": ["Yes"]}}).encode()

        async def vote(token: str) -> bytes:
            return await call(app, "POST", f"{live}/vote", ballot, x_podium_pass=token)

        if profile:
            profile.enable()
        passes = await phase("pages", links, page, args.concurrency)
        streams = await phase("streams", passes, stream, args.concurrency)
        launch = json.dumps({"poll_id": poll_id}).encode()
        await call(app, "POST", f"{live}/launch", launch, x_podium_pass=host_pass)
        await phase("votes", passes, vote, args.concurrency)
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        done.set()
        await asyncio.gather(host_stream, *streams)
    finally:
        done.set()
        await inbox.put({"type": "lifespan.shutdown"})
        await task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attendees", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--profile", help="write a cProfile of the three phases here")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
