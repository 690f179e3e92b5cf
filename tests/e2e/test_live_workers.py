"""A live webinar over `podium serve --workers 2` on PostgreSQL: attendees whose streams
the kernel spread over both workers all get a 50 KB poll (NOTIFY stops at 8,000 bytes: the
relay sends it in pieces), and the host, on one worker, sees every vote, wherever it was
cast (the live counts hear the votes of every process: web/live_counts.py)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bench.live_load import Server, Stream, follow, poll_questions, post_json, prepare, request

from podium.db import migrate
from tests.e2e.test_workers import sockets_of, worker_pids
from tests.mail_sink import run_async
from tests.serving import Output

pytestmark = pytest.mark.e2e
ATTENDEES = 24  # all on one worker by chance: 2 * 2^-24
POLL_BYTES = 50_000
needs_postgresql = pytest.mark.skipif(
    not os.environ.get("PODIUM_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="several processes serve PostgreSQL only",
)


@pytest.fixture
def sandbox_workers(server_database_url: str) -> Iterator[tuple[Output, Server]]:
    migrate.upgrade(server_database_url)
    command = ["serve", "--port", "0", "--workers", "2"]
    token = secrets.token_urlsafe(24)  # the management API (seed) answers it
    process = subprocess.Popen(
        [sys.executable, "-m", "podium", *command, "--database-url", server_database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PODIUM_ADMIN_TOKEN": token},
    )
    output = Output(process)
    try:
        lines = output.wait_for(lambda seen: any(line.startswith("Podium is") for line in seen))
        found = next(
            re.search(r"http://([\d.]+):(\d+)", line) for line in lines if line.startswith("Podium")
        )
        assert found is not None
        yield output, Server(found.group(1), int(found.group(2)), token=token)
    finally:
        process.terminate()
        process.wait(timeout=30)
        output.close()


def worker_of(client_port: int, server_port: int, pids: list[int]) -> int:
    """The worker holding the server side of the connection from `client_port`."""
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = row.split()
        local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
        if int(local, 16) == server_port and int(remote, 16) == client_port:
            inode = int(fields[9])
            return next(pid for pid in pids if inode in sockets_of(pid))
    raise AssertionError(f"no connection from port {client_port}")


async def story(server: Server, pids: list[int]) -> dict[str, Any]:
    plan = await prepare(server, ATTENDEES, POLL_BYTES)
    live = f"/live/{plan['webinar_id']}"
    host, tasks = Stream(), []
    ports: list[int] = []
    try:
        tasks.append(
            asyncio.create_task(follow(server, f"{live}/events?pass={plan['host_pass']}", host))
        )
        await post_json(
            server, f"{live}/start", {"early": True}, **{"X-Podium-Pass": plan["host_pass"]}
        )
        streams, passes = [], []
        for link in plan["links"]:
            status, page = await request(
                server, "GET", urlsplit(link)._replace(scheme="", netloc="").geturl()
            )
            found = re.search(r'data-pass="([^"]+)"', page.decode())
            assert (status, found is not None) == (200, True)
            assert found is not None
            token = found.group(1)
            stream = Stream()
            tasks.append(
                asyncio.create_task(follow(server, f"{live}/events?pass={token}", stream, ports))
            )
            async with asyncio.timeout(30):
                await stream.connected.wait()
            streams.append(stream)
            passes.append(token)
        workers = {worker_of(port, server.port, pids) for port in ports}
        await post_json(
            server,
            f"{live}/launch",
            {"poll_id": plan["poll_id"]},
            **{"X-Podium-Pass": plan["host_pass"]},
        )
        async with asyncio.timeout(60):
            while not all("poll" in s.last for s in streams):
                await asyncio.sleep(0.05)
        vote = {"poll_id": plan["poll_id"], "answers": {"Ready?": ["Yes"]}}
        for each in passes:
            await post_json(server, f"{live}/vote", vote, **{"X-Podium-Pass": each})
        async with asyncio.timeout(60):
            while (
                host.last.get("results", {}).get("results", {}).get("Ready?", {}).get("Yes")
                != ATTENDEES
            ):
                host.changed.clear()
                await host.changed.wait()
        return {
            "workers": len(workers),
            "polls": [s.last["poll"] for s in streams],
            "results": host.last["results"],
            "poll_id": plan["poll_id"],
        }
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@needs_postgresql
def test_a_50_kb_poll_reaches_attendees_of_both_workers_and_the_host_sees_every_vote(
    sandbox_workers: tuple[Output, Server],
) -> None:
    output, server = sandbox_workers
    pids = worker_pids(output.lines)

    seen = run_async(lambda: story(server, pids))

    questions = [q | {"type": "single"} for q in poll_questions(POLL_BYTES)]
    launched = {"poll_id": seen["poll_id"], "title": "Pulse", "questions": questions}
    assert len(json.dumps(launched)) > POLL_BYTES
    assert seen["workers"] == 2
    assert seen["polls"] == [launched] * ATTENDEES
    tally: dict[str, dict[str, int]] = {
        q["name"]: dict.fromkeys(q["answers"], 0) for q in questions
    }
    tally["Ready?"]["Yes"] = ATTENDEES
    assert seen["results"] == {"poll_id": seen["poll_id"], "results": tally, "shared": False}
