"""`podium serve --workers N`: N processes on one port, each with a listening socket of its own.

The sockets share the port through SO_REUSEPORT, so the kernel spreads new connections
over the workers by their addresses. With one shared socket (uvicorn's own supervisor),
asyncio's accept loop took a whole burst of connections into whichever worker woke first:
one worker served all 64 of wrk's connections while the other idled (bench/README.md).

The supervisor keeps a bound, never-listening socket on the port, so `--port 0` has a
number to hand out and a restarted worker gets the same port back. It announces the
server once every worker has started. A worker that dies after it started is replaced; one
that dies before (it cannot start: the database refuses it, say) stops the whole server,
and `podium serve` exits with status 1.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from types import FrameType

import click

from podium.settings import Settings
from podium.web.server import serve, tcp_socket

STOP_TIMEOUT = 15.0  # seconds a worker gets to finish after SIGTERM before SIGKILL
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
SPAWN = multiprocessing.get_context("spawn")


class WorkerFailed(RuntimeError):
    pass


def reserve_port(host: str, port: int) -> socket.socket:
    """The supervisor's hold on the port: bound, never listening (it takes no connections)."""
    return tcp_socket(host, port, share_port=True, listening=False)


def run_worker(settings: Settings, started: Event) -> None:
    """A worker process: its own listener on the shared port, one uvicorn server."""
    serve(
        settings, tcp_socket(settings.host, settings.port, share_port=True), on_started=started.set
    )


@dataclass
class Worker:
    process: BaseProcess
    started: Event  # set by the worker once it accepts connections


class Supervisor:
    """Starts the workers, replaces one that dies, stops them all on SIGTERM or SIGINT."""

    def __init__(self, settings: Settings, workers: int, announce: Callable[[], object]) -> None:
        self.settings = settings
        self.count = workers
        self.announce = announce
        self.workers: list[Worker] = []
        self.stopping = False

    def start_one(self) -> None:
        started = SPAWN.Event()
        process = SPAWN.Process(
            target=run_worker, args=(self.settings, started), name="podium-worker"
        )
        process.start()
        self.workers.append(Worker(process, started))

    def ask_to_stop(self, _signal: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> None:
        before = {sent: signal.signal(sent, self.ask_to_stop) for sent in STOP_SIGNALS}
        try:
            for _ in range(self.count):
                self.start_one()
            announced = False
            while not self.stopping:
                sentinels = {worker.process.sentinel: worker for worker in self.workers}
                for ended in wait(list(sentinels), timeout=0.1):
                    self.replace(sentinels[ended])  # type: ignore[index]
                if not announced and all(worker.started.is_set() for worker in self.workers):
                    announced = True
                    self.announce()
        finally:
            self.stop_all()
            for sent, handler in before.items():
                signal.signal(sent, handler)

    def replace(self, worker: Worker) -> None:
        self.workers.remove(worker)
        process = worker.process
        process.join()
        if self.stopping:
            return
        if not worker.started.is_set():
            raise WorkerFailed(
                f"a worker process exited with status {process.exitcode} before it started "
                "serving (its messages are above)"
            )
        click.echo(
            f"Worker process {process.pid} exited with status {process.exitcode}; starting another",
            err=True,
        )
        self.start_one()

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self.workers.clear()


def serve_workers(
    settings: Settings, reserved: socket.socket, workers: int, announce: Callable[[], object]
) -> None:
    """Serve with `workers` processes until SIGTERM or SIGINT; `reserved` holds the port.
    `announce` is called once, when every worker has started."""
    try:
        Supervisor(settings, workers, announce).run()
    except WorkerFailed as failure:
        raise click.ClickException(str(failure)) from None
    finally:
        reserved.close()
