"""Where the webhook worker runs, chosen when the app is built (PODIUM_WEBHOOK_WORKER):

- "process" (the default of `podium serve`): `podium webhook work`, a process of its own
  beside the server, so sending never takes the request path's CPU (docs/webhooks.md). It
  runs while the instance has subscriptions (checked every second: an instance without
  webhooks never starts it). The server wakes it through its stdin after each commit that
  owes webhooks; it exits when that pipe closes (the server stopped, or died); the server
  starts it again if it dies.
- "inline": in the server's event loop (web/webhook_worker.py). A sandbox always runs it so:
  its virtual clock and fault rules live in the server's process.
- "off": nothing sends; run `podium webhook send-pending` from cron, or `podium webhook work`
  as a service of its own.

Either way the app's `webhooks` object has `status()` for readiness and metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from podium.events import Event
from podium.services import webhook_outbox, webhook_subscriptions
from podium.services.webhook_payloads import EVENT_NAMES
from podium.web.faults import Faults
from podium.web.runtime import Runtime
from podium.web.webhook_worker import WebhookWorker

if TYPE_CHECKING:
    from podium.web.webhook_client import WebhookClient

log = logging.getLogger("podium.webhooks")
SUPERVISE_SECONDS = 1.0


class Webhooks(Protocol):
    """What the app holds: validation for the management API, a life, a status."""

    @property
    def client(self) -> WebhookClient: ...

    async def validate(self, url: str, secret_token: str) -> str | None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def status(self) -> dict[str, Any]: ...

    def problem(self) -> str | None: ...


MODES = ("process", "inline", "off")


def webhooks_for(runtime: Runtime, faults: Faults) -> Webhooks:
    mode = "inline" if runtime.settings.sandbox else runtime.settings.webhook_worker
    if mode not in MODES:
        raise ValueError(f"PODIUM_WEBHOOK_WORKER is one of {', '.join(MODES)}, not {mode!r}")
    worker = WebhookWorker(runtime, faults)
    if mode == "inline":
        return worker
    return DeliveryProcess(runtime, worker, running=mode == "process")


class DeliveryProcess:
    """The worker in `podium webhook work`; validations (the management API's) stay here."""

    def __init__(self, runtime: Runtime, local: WebhookWorker, *, running: bool) -> None:
        self.runtime = runtime
        self.local = local  # validates endpoints for the management API; never delivers
        self.running = running and runtime.background
        self.process: subprocess.Popen[bytes] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self.restarts = 0

    @property
    def client(self) -> WebhookClient:
        return self.local.client

    async def validate(self, url: str, secret_token: str) -> str | None:
        return await self.local.validate(url, secret_token)

    def _spawn(self) -> None:
        settings = self.runtime.settings
        env = {
            **os.environ,
            "PODIUM_DATABASE_URL": settings.database_url,
            "PODIUM_PUBLIC_URL": settings.public_url,
            "PODIUM_SQLITE_SYNCHRONOUS": settings.sqlite_synchronous,
            "PODIUM_WEBHOOK_ALLOW_PRIVATE": "1" if settings.webhook_allow_private else "0",
        }
        if settings.secret_key is not None:
            env["PODIUM_SECRET_KEY"] = settings.secret_key
        self.process = subprocess.Popen(
            [sys.executable, "-m", "podium", "webhook", "work"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,  # it says nothing there; its log goes to stderr
            env=env,
        )
        if self.process.stdin is not None:
            os.set_blocking(self.process.stdin.fileno(), False)

    def heard(self, events: Sequence[Event]) -> None:
        """A live consumer: wake the worker process (a byte on its stdin; any thread)."""
        process = self.process
        if process is None or process.stdin is None:
            return
        if any(type(event) in EVENT_NAMES for event in events):
            with contextlib.suppress(BlockingIOError, BrokenPipeError, ValueError, OSError):
                os.write(process.stdin.fileno(), b"\n")  # a full pipe: a wake is pending

    async def start(self) -> None:
        if not self.running:
            return
        self.runtime.subscribe(self.heard)
        self._supervise_once()
        self._supervisor = asyncio.create_task(self._supervise(), name="podium-webhooks")

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(SUPERVISE_SECONDS)
            self._supervise_once()

    def _supervise_once(self) -> None:
        """Start the worker once there are subscriptions; again if it died."""
        process = self.process
        if process is None:
            if self.runtime.run(webhook_subscriptions.exist, writes=False):
                self._spawn()
        elif process.poll() is not None:
            log.error("the webhook worker exited (%s); starting it again", process.returncode)
            self.restarts += 1
            self._spawn()

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        process = self.process
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()  # the worker ends its round and gives back its claims
            deadline = time.monotonic() + 10
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                process.kill()
                process.wait()
        await self.local.stop()

    def problem(self) -> str | None:
        """/readyz, without the database: a worker process started and no longer running
        (none starts before the first subscription, nor with PODIUM_WEBHOOK_WORKER=off)."""
        process = self.process
        return "stopped" if process is not None and process.poll() is not None else None

    def status(self) -> dict[str, Any]:
        """Liveness and backlog: the worker process runs, and what is owed."""
        process = self.process
        return {
            "alive": process is not None and process.poll() is None,
            "pid": None if process is None else process.pid,
            "restarts": self.restarts,
            "backlog": self.runtime.run(webhook_outbox.backlog, writes=False),
        }


async def work_until_stdin_closes(runtime: Runtime) -> None:
    """`podium webhook work`: deliver until standard input closes; each line wakes it."""
    worker = WebhookWorker(runtime)
    loop = asyncio.get_running_loop()
    closed = asyncio.Event()

    def read() -> None:
        for _line in sys.stdin.buffer:
            loop.call_soon_threadsafe(worker.wake)
        loop.call_soon_threadsafe(closed.set)

    await worker.start()
    reader = loop.run_in_executor(None, read)
    try:
        await closed.wait()
    finally:
        await worker.stop()
        reader.cancel()
