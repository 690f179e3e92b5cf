"""Shared by the durability and limit tests: Podium as a real process, accounts made with the
CLI, and polling with a deadline."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sized
from pathlib import Path

import httpx2

from tests.serving import PODIUM


def start(
    database: Path | str, *, file_size_kib: int | None = None
) -> tuple[subprocess.Popen[str], str, float]:
    """A `podium serve` on a free port (under `ulimit -f` when `file_size_kib` is given);
    its URL and how long it took to answer /healthz. It logs warnings and errors only: its
    output goes to a pipe the caller reads at the end, which access lines would fill (64 KB),
    and a server blocked on a full pipe answers nothing more."""
    began = time.monotonic()
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    command = [*PODIUM, "serve", "--port", "0", "--database-url", url]
    if file_size_kib is not None:
        command = ["bash", "-c", f'ulimit -f {file_size_kib} && exec "$@"', "podium", *command]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PODIUM_LOG_LEVEL": "warning"},
    )
    assert process.stdout is not None
    url = ""
    deadline = began + 120  # generous: a busy machine starts it slowly
    while not url and time.monotonic() < deadline:  # poll the output with a deadline
        found = re.search(r"listening on (\S+) ", process.stdout.readline())
        url = found.group(1) if found else ""
    assert url, "the server did not start"
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{url}/healthz", timeout=1).text == "ok":
                break
        except httpx2.TransportError:
            time.sleep(0.01)
    return process, url, time.monotonic() - began


def account(option: list[str]) -> dict[str, str]:
    """A new account (through the CLI) with room for every registration of the test."""
    created = subprocess.run(
        [
            *PODIUM,
            "account",
            "create",
            "--name",
            "P",
            "--host-email",
            "p@x.test",
            "--json",
            *option,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    keys: dict[str, str] = json.loads(created.stdout)
    subprocess.run(
        [
            *PODIUM,
            "account",
            "set",
            "--account-id",
            str(keys["account_id"]),
            "--capacity",
            "100000",
            *option,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return keys


def wait_until(condition: Callable[[], bool], seconds: float = 120) -> None:
    """Poll with a deadline."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def grown(collection: Sized, size: int) -> None:
    """Poll until `collection` holds `size` items (other threads fill it)."""
    wait_until(lambda: len(collection) >= size)


def binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    assert found, "PostgreSQL server binaries are needed (Debian postgresql)"
    return Path(found[-1]).parent


class Cluster:
    """A PostgreSQL cluster of its own, run as the `postgres` user, on a free port."""

    def __init__(self) -> None:
        self.bin = binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="podium-pg-"))
        shutil.chown(self.folder, "postgres")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.data = self.folder / "data"
        self.as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )

    def as_postgres(self, *command: str) -> None:
        runuser = shutil.which("runuser")
        assert runuser is not None
        subprocess.run(
            [runuser, "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def crash(self) -> None:
        self.as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.crash()
        shutil.rmtree(self.folder, ignore_errors=True)
