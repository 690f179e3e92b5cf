"""`podium serve` (or any Podium command) as a real process, written once for the tests: its
output read in a thread as it comes (a full pipe would block the server), waiting for a line
with a deadline, and a stop that never leaves a process behind for the next tests."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PODIUM = [sys.executable, "-m", "podium"]
LISTENING = re.compile(r"listening on (\S+) ")


@dataclass
class Output:
    """The lines a process prints, read in a thread so waiting for one has a deadline."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str] = field(default_factory=queue.Queue)

    _reader: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        with stream:
            for line in stream:
                self._queue.put(line)

    def close(self) -> None:
        """After the process ended: the reader has seen the end of its output."""
        assert self._reader is not None
        self._reader.join(timeout=30)

    def wait_for(self, done: Callable[[list[str]], bool], seconds: float = 120) -> list[str]:
        deadline = time.monotonic() + seconds
        while not done(self.lines):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not seen in {seconds} s; output so far: {self.lines}")
            try:
                self.lines.append(self._queue.get(timeout=left))
            except queue.Empty:
                continue
        return self.lines

    def text(self) -> str:
        """Everything read so far (all of it once `close` returned)."""
        while not self._queue.empty():
            self.lines.append(self._queue.get_nowait())
        return "".join(self.lines)


@dataclass
class Served:
    """A `podium serve` that said where it listens."""

    output: Output
    url: str

    @property
    def process(self) -> subprocess.Popen[str]:
        return self.output.process

    def stop(self, stop_signal: int = signal.SIGTERM, seconds: float = 60) -> str:
        """Stop it (killed when it does not stop within `seconds`); everything it printed."""
        process = self.output.process
        try:
            if process.poll() is None:
                process.send_signal(stop_signal)
            process.wait(timeout=seconds)  # a hang bound, generous for a busy machine
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            self.output.close()
        return self.output.text()


def serve(
    *options: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    clean_env: bool = False,
) -> Served:
    """`podium serve --port 0 …` started, once it says it listens (deadline 120 s). `env` adds
    to the environment (`clean_env`: without the caller's PODIUM_* variables)."""
    base = {k: v for k, v in os.environ.items() if not (clean_env and k.startswith("PODIUM_"))}
    process = subprocess.Popen(
        [*PODIUM, "serve", "--port", "0", *options],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**base, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    output = Output(process)
    try:
        lines = output.wait_for(lambda seen: any(LISTENING.search(line) for line in seen))
    except AssertionError:
        Served(output, "").stop(signal.SIGKILL, 10)
        raise
    found = next(LISTENING.search(line) for line in lines if LISTENING.search(line))
    assert found is not None
    return Served(output, found.group(1))


def printed_until_listening(served: Served) -> str:
    return "".join(served.output.lines)


__all__: Sequence[str] = ("PODIUM", "Output", "Served", "printed_until_listening", "serve")
