"""A live session under load: N attendees join through their personal links and hold real
Server-Sent Event streams, the host launches a poll, everyone votes, and the figures of
issue 21 are printed: join time, how fast the poll reaches everyone, votes counted per second,
when the host sees the last vote, the idle cost, and the server's memory.

    python bench/live_load.py --attendees 1000            # starts its own sandbox server
    python bench/live_load.py --attendees 10000 --seconds 120
    python bench/live_load.py --url http://127.0.0.1:8000 # a running --sandbox server

A small HTTP/1.1 client on asyncio streams keeps the load tool itself cheap (one socket per
stream, one short connection per action). Bounded: every phase has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PASS = re.compile(r'data-pass="([^"]+)"')
CONCURRENT_JOINS = 256


@dataclass
class Server:
    host: str
    port: int
    pid: int | None = None
    token: str | None = None  # the admin token (management API, /metrics) when not a sandbox


async def request(
    server: Server,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request on a connection of its own: (status, body)."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {server.host}",
            "Connection: close",
            f"Content-Length: {len(body)}",
        ]
        head += [f"{key}: {value}" for key, value in (headers or {}).items()]
        if server.token and path.startswith(("/podium/api/", "/metrics")):
            head.append(f"Authorization: Bearer {server.token}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with suppress(OSError):
            await writer.wait_closed()
    status_line, _, rest = raw.partition(b"\r\n")
    header_block, _, payload = rest.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in header_block.lower():
        payload = _unchunk(payload)
    return int(status_line.split()[1]), payload


def _unchunk(data: bytes) -> bytes:
    out, rest = bytearray(), data
    while rest and (size := int(rest.partition(b"\r\n")[0].split(b";")[0], 16)):
        rest = rest.partition(b"\r\n")[2]
        out, rest = out + rest[:size], rest[size + 2 :]
    return bytes(out)


async def post_json(server: Server, path: str, data: dict[str, Any], **headers: str) -> Any:
    status, payload = await request(
        server,
        "POST",
        path,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    if status >= 400:
        raise RuntimeError(f"POST {path}: {status} {payload[:200]!r}")
    return json.loads(payload or b"null")


async def post_form(server: Server, path: str, data: dict[str, Any]) -> Any:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    _, payload = await request(server, "POST", path, body=urlencode(data).encode(), headers=form)
    return json.loads(payload)


@dataclass
class Stream:
    """One event stream: when each event first arrived, the last data of each, and how
    often the server ended it and it connected again."""

    arrived: dict[str, float] = field(default_factory=dict)
    last: dict[str, Any] = field(default_factory=dict)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    reconnects: int = 0


async def follow(server: Server, path: str, stream: Stream, ports: list[int] | None = None) -> None:
    """Read an event stream until the task is cancelled or the webinar ends; a stream the
    server ends (a page too far behind is dropped) connects again after the server's
    `retry:` with `Last-Event-ID`, as a browser's EventSource does (`ports`: where the first
    connection's local port goes, to find which worker serves it)."""
    last_id, retry = "", 0.0
    while "ended" not in stream.arrived:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        if ports is not None and not stream.reconnects:
            ports.append(writer.get_extra_info("sockname")[1])
        resume = f"Last-Event-ID: {last_id}\r\n" if last_id else ""
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {server.host}\r\nAccept: text/event-stream\r\n"
                f"{resume}\r\n".encode()
            )
            event = "message"
            while line := await reader.readline():
                text = line.decode().rstrip("\r\n")
                if text.startswith(("id:", "retry:")):
                    last_id = text[3:].strip() if text[0] == "i" else last_id
                    retry = int(text[6:]) / 1000 if text[0] == "r" else retry
                elif text.startswith("event:"):
                    event = text[6:].strip()
                elif text.startswith("data:"):
                    stream.arrived.setdefault(event, time.monotonic())
                    with suppress(ValueError):
                        stream.last[event] = json.loads(text[5:])
                    if event == "state":
                        stream.connected.set()
                    stream.changed.set()
                elif text == "":
                    event = "message"
        finally:
            writer.close()
        stream.reconnects += 1
        await asyncio.sleep(retry)


@asynccontextmanager
async def own_server(workers: int, database_url: str | None) -> AsyncIterator[Server]:
    folder = tempfile.mkdtemp(prefix="podium-live-")
    url = database_url or f"sqlite:///{folder}/live.sqlite3"
    command = [str(BIN / "podium"), "serve", "--port", "0", "--database-url", url]
    # A sandbox runs one process; several workers open the management API to a token.
    token = None if workers == 1 else secrets.token_urlsafe(24)
    command += ["--sandbox"] if workers == 1 else ["--workers", str(workers)]
    subprocess.run(
        [str(BIN / "podium"), "db", "upgrade", "--database-url", url],
        check=True,
        capture_output=True,
    )
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            **({"PODIUM_ADMIN_TOKEN": token} if token else {}),
        },
    )
    assert process.stdout is not None
    found = None
    async with asyncio.timeout(60):
        while found is None:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise RuntimeError("the server did not start")
            found = re.search(r"Podium is listening on http://([\d.]+):(\d+)", line)
    drain = asyncio.create_task(process.stdout.read())  # keep its output flowing
    try:
        yield Server(found.group(1), int(found.group(2)), process.pid, token)
    finally:
        process.terminate()
        with suppress(TimeoutError):
            async with asyncio.timeout(30):
                await process.wait()
        if process.returncode is None:
            process.kill()
        drain.cancel()


def rss_mb(pid: int | None) -> float:
    total = 0
    for each in [pid, *_children(pid)] if pid is not None else []:
        with suppress(OSError):
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{each}/status").read_text())
            total = max(total, int(match.group(1)) if match else 0)
    return total / 1024 if pid is not None else float("nan")


def _children(pid: int) -> list[int]:
    with suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def cpu_seconds(pid: int | None) -> float:
    total = 0.0
    for each in [pid, *_children(pid)] if pid is not None else []:
        with suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total if pid is not None else float("nan")


def poll_questions(size: int) -> list[dict[str, Any]]:
    """A poll of at least `size` characters: "Ready?" (Yes, No, Maybe: what everyone answers),
    then questions as long as allowed (300 characters, 10 answers of 300) up to `size`."""
    questions: list[dict[str, Any]] = [{"name": "Ready?", "answers": ["Yes", "No", "Maybe"]}]
    number = 1
    while len(json.dumps(questions)) < size:
        answers = [f"Answer {n:02d} " + "y" * 285 for n in range(10)]
        questions.append({"name": f"Question {number:02d} " + "x" * 285, "answers": answers})
        number += 1
    return questions


async def prepare(server: Server, attendees: int, poll_size: int) -> dict[str, Any]:
    """An account, a webinar with `attendees` approved registrants and a poll (sandbox
    management API), and the host's console pass."""
    people = [
        {"email": f"p{n}@load.test", "first_name": "Load", "last_name": f"P{n}"}
        for n in range(attendees)
    ]
    planned = {
        "topic": "Load",
        "type": 5,
        "approval_type": 0,
        "registrants": people,
        "start_time": "2030-01-01T10:00:00Z",
        "polls": [{"title": "Pulse", "questions": poll_questions(poll_size)}],
    }
    account = {"name": "Load", "host_email": "host@load.test", "api_key": f"load-{os.getpid()}",
               "api_secret": "load-secret-0123456789", "capacity": attendees}  # fmt: skip
    document = {"accounts": [account | {"webinars": [planned]}]}
    seeded = await post_json(server, "/podium/api/seed", document)
    created = seeded["accounts"][0]
    webinar = created["webinars"][0]
    keys = {"api_key": created["api_key"], "api_secret": created["api_secret"]}
    got = await post_form(
        server, "/v1/webinar/get", keys | {"host_id": created["host_id"], "id": webinar["id"]}
    )
    status, page = await request(
        server, "GET", urlsplit(got["start_url"])._replace(scheme="", netloc="").geturl()
    )
    host_pass = PASS.search(page.decode())
    if status != 200 or host_pass is None:
        raise RuntimeError(f"the host console did not open ({status})")
    return {
        "webinar_id": webinar["id"],
        "poll_id": webinar["poll_ids"][0],
        "links": [p["join_url"] for p in webinar["registrants"]],
        "host_pass": host_pass.group(1),
        "keys": keys | {"host_id": created["host_id"]},
    }


async def join(
    server: Server,
    link: str,
    streams: list[Stream],
    passes: list[str],
    tasks: list[asyncio.Task[None]],
    limit: asyncio.Semaphore,
    webinar_id: int,
) -> None:
    async with limit:
        path = urlsplit(link)._replace(scheme="", netloc="").geturl()
        status, page = await request(server, "GET", path)
        found = PASS.search(page.decode())
        if status != 200 or found is None:
            raise RuntimeError(f"a personal link did not open ({status})")
        stream = Stream()
        tasks.append(
            asyncio.create_task(
                follow(server, f"/live/{webinar_id}/events?pass={found.group(1)}", stream)
            )
        )
        await stream.connected.wait()
        streams.append(stream)
        passes.append(found.group(1))


async def commits(server: Server) -> float:
    """Transactions the server committed so far (its /metrics; a sandbox answers loopback)."""
    status, page = await request(server, "GET", "/metrics")
    if status != 200:
        return float("nan")
    found = re.findall(rb"^podium_database_commits_total ([\d.e+]+)$", page, re.MULTILINE)
    return sum(float(value) for value in found)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


async def session(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    plan = await prepare(server, args.attendees, args.poll_bytes)
    webinar_id, live = plan["webinar_id"], f"/live/{plan['webinar_id']}"
    host = Stream()
    tasks = [asyncio.create_task(follow(server, f"{live}/events?pass={plan['host_pass']}", host))]
    await post_json(
        server, f"{live}/start", {"early": True}, **{"X-Podium-Pass": plan["host_pass"]}
    )
    streams: list[Stream] = []
    passes: list[str] = []
    limit = asyncio.Semaphore(CONCURRENT_JOINS)
    rss_before = rss_mb(server.pid)  # seeded, nobody connected
    started, cpu_joins = time.monotonic(), cpu_seconds(server.pid)
    async with asyncio.timeout(args.seconds):
        await asyncio.gather(
            *(
                join(server, link, streams, passes, tasks, limit, webinar_id)
                for link in plan["links"]
            )
        )
    joined_s = time.monotonic() - started
    joins_cpu = (cpu_seconds(server.pid) - cpu_joins) / joined_s
    rss_connected = rss_mb(server.pid)

    await asyncio.sleep(1)  # the joins' last writes settle
    commits_before = await commits(server)
    cpu_before, idle_started = cpu_seconds(server.pid), time.monotonic()
    await asyncio.sleep(args.idle_seconds)  # the idle cost: nobody does anything
    idle_seconds = time.monotonic() - idle_started
    idle_cpu = (cpu_seconds(server.pid) - cpu_before) / idle_seconds
    idle_writes = (await commits(server) - commits_before) / idle_seconds

    launched = time.monotonic()
    await post_json(
        server,
        f"{live}/launch",
        {"poll_id": plan["poll_id"]},
        **{"X-Podium-Pass": plan["host_pass"]},
    )
    async with asyncio.timeout(args.seconds):
        while sum("poll" in s.arrived for s in streams) < len(streams):
            await asyncio.sleep(0.05)  # arrivals are timed as they come, not here
    reach_ms = [(s.arrived["poll"] - launched) * 1000 for s in streams]
    question = next(iter(streams[0].last["poll"]["questions"]))["name"] if streams else ""

    votes_started, cpu_votes = time.monotonic(), cpu_seconds(server.pid)
    vote_limit = asyncio.Semaphore(CONCURRENT_JOINS)

    async def vote(token: str) -> None:
        async with vote_limit:
            await post_json(
                server,
                f"{live}/vote",
                {"poll_id": plan["poll_id"], "answers": {question: ["Yes"]}},
                **{"X-Podium-Pass": token},
            )

    async with asyncio.timeout(args.seconds):
        await asyncio.gather(*(vote(token) for token in passes))
    votes_done = time.monotonic()
    votes_cpu = (cpu_seconds(server.pid) - cpu_votes) / (votes_done - votes_started)

    def counted() -> int:
        results = host.last.get("results", {}).get("results", {})
        return sum(results.get(question, {}).values())

    async with asyncio.timeout(args.seconds):
        while counted() < len(passes):
            host.changed.clear()
            await host.changed.wait()
    host_saw_all = time.monotonic()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "attendees": len(streams),
        "join_s": round(joined_s, 2),
        "server_cpu_while_joining": round(joins_cpu, 2),
        "poll_reach_p50_ms": round(statistics.median(reach_ms), 1) if reach_ms else None,
        "poll_reach_p99_ms": round(percentile(reach_ms, 0.99), 1),
        "poll_reach_max_ms": round(max(reach_ms), 1) if reach_ms else None,
        "votes_per_s": round(len(passes) / (votes_done - votes_started), 1),
        "server_cpu_while_voting": round(votes_cpu, 2),
        "host_sees_last_vote_ms": round((host_saw_all - votes_done) * 1000, 1),
        "idle_cpu_share": round(idle_cpu, 3),
        "idle_db_writes_per_s": round(idle_writes, 2),
        "host_reconnects": host.reconnects,
        "attendee_reconnects": sum(stream.reconnects for stream in streams),
        "rss_mb": round(max(rss_connected, rss_mb(server.pid)), 1),
        "rss_before_joins_mb": round(rss_before, 1),
        "kb_per_stream": round((rss_connected - rss_before) * 1024 / max(1, len(streams)), 1),
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    if args.url:
        parts = urlsplit(args.url)
        server = Server(parts.hostname or "127.0.0.1", parts.port or 80, token=args.admin_token)
        return await session(server, args)
    async with own_server(args.workers, args.database_url) as server:
        return await session(server, args)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attendees", type=int, default=200)
    parser.add_argument("--url", help="a running `podium serve --sandbox` (default: start one)")
    parser.add_argument("--admin-token", help="of the server at --url when not a sandbox")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--seconds", type=float, default=120, help="deadline of each phase")
    parser.add_argument("--idle-seconds", type=float, default=12)
    parser.add_argument("--poll-bytes", type=int, default=200, help="size of the poll's text")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(figures))  # noqa: T201
    else:
        for key, value in figures.items():
            print(f"{key:>24}: {value}")  # noqa: T201


if __name__ == "__main__":
    main()
