"""`podium serve --workers 2`: two processes answer on one port (PostgreSQL only), each
with a listener of its own (SO_REUSEPORT), under a supervisor that replaces a dead one."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from podium.settings import Settings
from podium.web.workers import Supervisor, WorkerFailed
from tests.serving import PODIUM, Output

pytestmark = pytest.mark.e2e
needs_postgresql = pytest.mark.skipif(
    not os.environ.get("PODIUM_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="several processes serve PostgreSQL only",
)


def test_workers_need_postgresql(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *PODIUM,
            "serve",
            "--workers",
            "2",
            "--database-url",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("Error: --workers above 1 needs PostgreSQL")


def test_a_worker_that_cannot_start_stops_the_supervisor(tmp_path: Path) -> None:
    # Not migrated: the worker's app cannot read its instance key, so it exits at once.
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}", port=0)
    announced: list[bool] = []

    with pytest.raises(WorkerFailed) as failure:
        Supervisor(settings, 2, announce=lambda: announced.append(True)).run()

    assert str(failure.value) == (
        "a worker process exited with status 1 before it started serving (its messages are above)"
    )
    assert announced == []


def worker_pids(lines: list[str]) -> list[int]:
    return [
        int(found)
        for line in lines
        for found in re.findall(r"Started server process \[(\d+)\]", line)
    ]


def tcp_sockets(port: int, state: str) -> set[int]:
    """Inodes of the IPv4 TCP sockets on local `port` in `state` (0A listen, 01 established)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return {
        int(row.split()[9])
        for row in rows
        if row.split()[1].endswith(f":{port:04X}") and row.split()[3] == state
    }


def sockets_of(pid: int) -> set[int]:
    inodes = set()
    for link in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(link)
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


@pytest.fixture
def two_workers(server_database_url: str) -> Iterator[tuple[Output, str]]:
    process = subprocess.Popen(
        [*PODIUM, "serve", "--port", "0", "--workers", "2", "--database-url", server_database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output = Output(process)
    try:
        lines = output.wait_for(
            lambda seen: any(line.startswith("Podium is listening") for line in seen)
        )
        url = next(
            re.match(r"Podium is listening on (\S+) ", line)
            for line in lines
            if line.startswith("Podium")
        )
        assert url is not None
        yield output, url.group(1)
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)
        output.close()


@needs_postgresql
def test_two_workers_each_listen_and_share_the_connections(two_workers: tuple[Output, str]) -> None:
    output, url = two_workers
    port = int(url.rsplit(":", 1)[1])
    pids = worker_pids(output.lines)
    # announced once both started: each worker has its own listening socket on the port
    assert len(pids) == 2
    listening = tcp_sockets(port, "0A")
    assert [len(listening & sockets_of(pid)) for pid in pids] == [1, 1]

    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: podium\r\n\r\n")
        answers = {client.recv(4096).split(b"\r\n", 1)[0] for client in clients}
        established = tcp_sockets(port, "01")
        served = [len(established & sockets_of(pid)) for pid in pids]
    finally:
        for client in clients:
            client.close()

    assert answers == {b"HTTP/1.1 200 OK"}
    assert sum(served) == 40
    # the kernel spreads connections by address: both take a share (P(< 5 of 40) ~ 1e-7)
    assert min(served) >= 5


@needs_postgresql
def test_a_killed_worker_is_replaced_and_a_stop_ends_them_all(
    two_workers: tuple[Output, str],
) -> None:
    output, url = two_workers
    port = int(url.rsplit(":", 1)[1])
    first, second = worker_pids(output.lines)

    os.kill(first, signal.SIGKILL)
    output.wait_for(lambda seen: len(worker_pids(seen)) == 3)
    replacement = worker_pids(output.lines)[2]
    deadline = time.monotonic() + 120
    while len(tcp_sockets(port, "0A")) < 2:  # poll with a deadline until it listens
        assert time.monotonic() < deadline, "the replacement never listened"
        time.sleep(0.05)
    answers = {httpx2.get(f"{url}/healthz").text for _ in range(4)}
    output.process.send_signal(signal.SIGTERM)
    status = output.process.wait(timeout=30)

    replaced = (
        f" WARNING podium.workers worker process {first} exited with status -9; starting another\n"
    )
    assert [line for line in output.lines if line.endswith(replaced)] != []
    assert answers == {"ok"}
    assert status == 0
    assert [Path(f"/proc/{pid}").exists() for pid in (second, replacement)] == [False, False]
