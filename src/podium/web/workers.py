"""`podium serve --workers N`: N processes on one port, each with a listening socket of its own.

The sockets share the port through SO_REUSEPORT, so the kernel spreads new connections
over the workers by their addresses. With one shared socket (uvicorn's own supervisor),
asyncio's accept loop took a whole burst of connections into whichever worker woke first:
one worker served all 64 of wrk's connections while the other idled (bench/README.md).

The supervisor makes the listening sockets, one per worker slot, and hands each to its
worker: a worker that stops (SIGTERM, a crash) leaves its socket open in the supervisor, so
the connections waiting in it are taken by the slot's next worker instead of being reset.
It announces the server once every worker has started. A worker that dies after it started
is replaced; one that dies before (it cannot start: the database refuses it, say) stops the
whole server, and `podium serve` exits with status 1.

SIGHUP replaces the workers one by one (new code, new settings of the environment are not
re-read: the settings are the supervisor's): a slot's new worker starts on the slot's
socket, and only once it serves is the old one told to stop (SIGTERM: it drains its
requests, its live pages reconnect). So the port never stops answering.

Metrics: every worker writes its values in a folder of the supervisor's
(PROMETHEUS_MULTIPROC_DIR, prometheus-client's multiprocess mode), so any worker's /metrics
(and the supervisor's --metrics-port) adds them all up.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from types import FrameType

import click

from podium.settings import Settings
from podium.web.metrics import serve_metrics_port
from podium.web.server import serve, tcp_socket

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
SPAWN = multiprocessing.get_context("spawn")
log = logging.getLogger("podium.workers")


class WorkerFailed(RuntimeError):
    pass


def reserve_port(host: str, port: int) -> socket.socket:
    """The supervisor's hold on the port: bound, never listening (it takes no connections)."""
    return tcp_socket(host, port, share_port=True, listening=False)


def run_worker(settings: Settings, listener: socket.socket, started: Event) -> None:
    """A worker process: one uvicorn server on its slot's listening socket."""
    from podium.web.logs import configure

    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # SIGHUP is the supervisor's
    configure(settings.log_format, settings.log_level, settings.secret_values())
    serve(settings, listener, on_started=started.set)


@dataclass
class Worker:
    process: BaseProcess
    started: Event  # set by the worker once it accepts connections
    slot: int


class Supervisor:
    """Starts the workers, replaces one that dies, stops them all on SIGTERM or SIGINT."""

    def __init__(self, settings: Settings, workers: int, announce: Callable[[], object]) -> None:
        self.settings = settings
        self.count = workers
        self.announce = announce
        self.workers: list[Worker] = []
        self.stopping = False
        self.reloading = False
        self.sockets: list[socket.socket] = []
        self.stop_timeout = settings.shutdown_timeout_seconds + 5.0  # then SIGKILL

    def start_one(self, slot: int) -> Worker:
        started = SPAWN.Event()
        process = SPAWN.Process(
            target=run_worker,
            args=(self.settings, self.sockets[slot], started),
            name=f"podium-worker-{slot}",
        )
        process.start()
        worker = Worker(process, started, slot)
        self.workers.append(worker)
        return worker

    def ask_to_stop(self, _signal: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def ask_to_reload(self, _signal: int, _frame: FrameType | None) -> None:
        self.reloading = True

    def run(self) -> None:
        handlers = dict.fromkeys(STOP_SIGNALS, self.ask_to_stop)
        handlers[signal.SIGHUP] = self.ask_to_reload
        before = {sent: signal.signal(sent, handler) for sent, handler in handlers.items()}
        host, port = self.settings.host, self.settings.port
        try:
            self.sockets = [tcp_socket(host, port, share_port=True) for _ in range(self.count)]
            for slot in range(self.count):
                self.start_one(slot)
            announced = False
            while not self.stopping:
                self.watch()
                if not announced and all(worker.started.is_set() for worker in self.workers):
                    announced = True
                    self.announce()
                if self.reloading and announced:
                    self.reloading = False
                    self.roll()
        finally:
            self.stop_all()
            for sent, handler in before.items():
                signal.signal(sent, handler)
            for listener in self.sockets:
                listener.close()

    def watch(self, timeout: float = 0.1) -> None:
        sentinels = {worker.process.sentinel: worker for worker in self.workers}
        for ended in wait(list(sentinels), timeout=timeout):
            self.replace(sentinels[ended])  # type: ignore[index]

    def roll(self) -> None:
        """SIGHUP: each slot gets a new worker; the old one stops once the new one serves."""
        log.info("SIGHUP: replacing %d workers one by one", len(self.workers))
        for old in list(self.workers):
            new = self.start_one(old.slot)
            while not new.started.is_set():  # poll, watching for deaths and stop signals
                if self.stopping:
                    return
                self.watch()
                if new not in self.workers:  # it died before serving: WorkerFailed was raised
                    return
            self.workers.remove(old)
            old.process.terminate()  # it drains (web/server.serve) and exits
            old.process.join(self.stop_timeout)
            if old.process.is_alive():
                old.process.kill()
                old.process.join()
            self.forget(old)
        log.info("SIGHUP: every worker replaced")

    def forget(self, worker: Worker) -> None:
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if folder and worker.process.pid is not None:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.process.pid, folder)  # type: ignore[no-untyped-call]

    def replace(self, worker: Worker) -> None:
        self.workers.remove(worker)
        process = worker.process
        process.join()
        self.forget(worker)
        if self.stopping:
            return
        if not worker.started.is_set():
            raise WorkerFailed(
                f"a worker process exited with status {process.exitcode} before it started "
                "serving (its messages are above)"
            )
        log.warning(
            "worker process %s exited with status %s; starting another",
            process.pid,
            process.exitcode,
        )
        self.start_one(worker.slot)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
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
    settings = replace(settings, workers=workers)  # a worker never serves the metrics port
    folder = tempfile.mkdtemp(prefix="podium-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # before any worker starts
    stop_metrics = None
    if settings.metrics_port is not None:
        stop_metrics = serve_metrics_port(settings.metrics_port, supervisor_exposition(settings))
    try:
        Supervisor(settings, workers, announce).run()
    except WorkerFailed as failure:
        raise click.ClickException(str(failure)) from None
    finally:
        reserved.close()
        if stop_metrics is not None:
            stop_metrics()
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(folder, ignore_errors=True)


def supervisor_exposition(settings: Settings) -> Callable[[], bytes]:
    """--metrics-port with workers: the workers' values, and the backlogs read here."""
    from podium.web.metrics import Metrics, database_backlogs
    from podium.web.runtime import Runtime

    runtime = Runtime.build(settings)
    metrics = Metrics(now=runtime.context.clock.now)
    metrics.backlogs.update(database_backlogs(runtime))
    return metrics.exposition
