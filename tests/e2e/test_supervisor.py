"""The --workers supervisor on SQLite, run directly (the CLI refuses --workers on SQLite:
one writer): SIGHUP replaces both workers, each serving on its slot's socket, and SIGTERM
stops them all. The PostgreSQL pass covers it under load (test_restarts.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from tests.e2e.harness import wait_until
from tests.e2e.test_workers import worker_pids
from tests.serving import Output

pytestmark = pytest.mark.e2e
SUPERVISE = """
import sys
from podium.db import migrate
from podium.settings import Settings
from podium.web.logs import configure
from podium.web.workers import reserve_port, serve_workers
settings = Settings(database_url=sys.argv[1], port=int(sys.argv[2]), metrics_port=int(sys.argv[3]))
migrate.upgrade(settings.database_url)
configure("text", "info")
serve_workers(settings, reserve_port("127.0.0.1", settings.port), 2, lambda: print("all started", flush=True))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sighup_replaces_each_worker_then_sigterm_stops_all(tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SUPERVISE,
            f"sqlite:///{tmp_path / 'p.sqlite3'}",
            str(port),
            str(metrics_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output = Output(process)
    try:
        output.wait_for(lambda seen: "all started\n" in seen)
        first = worker_pids(output.lines)
        process.send_signal(signal.SIGHUP)
        output.wait_for(lambda seen: any("every worker replaced" in line for line in seen))
        after = worker_pids(output.lines)[len(first) :]
        wait_until(lambda: httpx2.get(f"http://127.0.0.1:{port}/healthz").text == "ok")
        metrics = httpx2.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        output.close()

    assert len(first) == 2
    assert len(after) == 2
    assert set(after).isdisjoint(first)
    assert status == 0
    assert "podium_outbox_backlog 0.0" in metrics.splitlines()
    assert [Path(f"/proc/{pid}").exists() for pid in after] == [False, False]
