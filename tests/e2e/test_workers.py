"""`podium serve --workers 2`: two processes answer on one port (PostgreSQL only)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

pytestmark = pytest.mark.e2e
PODIUM = [sys.executable, "-m", "podium"]


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


@pytest.mark.skipif(
    not os.environ.get("PODIUM_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="several processes serve PostgreSQL only",
)
def test_two_workers_serve_one_port(server_database_url: str) -> None:
    process = subprocess.Popen(
        [*PODIUM, "serve", "--port", "0", "--workers", "2", "--database-url", server_database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:  # poll the output with a deadline
            lines.append(process.stdout.readline())
            if sum("Application startup complete" in line for line in lines) == 2:
                break
        url = next(
            re.match(r"Podium is listening on (\S+) ", line)
            for line in lines
            if line.startswith("Podium is listening")
        )
        assert url is not None
        answers = {httpx2.get(f"{url.group(1)}/healthz").text for _ in range(4)}
        started = [line for line in lines if "Started server process" in line]
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()

    assert answers == {"ok"}
    assert len(started) == 2
