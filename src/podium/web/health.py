"""/healthz (the process answers), /readyz (it can serve) and /metrics.

/readyz runs every check and answers 200 `{"status": "ready", "checks": {...}}`, or 503
with `"status": "unavailable"` and the failing checks named in `failing`. The checks: a
database round trip, the schema at the newest migration, and every background worker that
registered itself in `Liveness` (the mail worker, when SMTP is set; a webhook worker can do
the same: `liveness.watch("webhooks", task)`).

/metrics answers the admin token (or, on a sandbox, this machine's own requests), like the
management API; `--metrics-port` serves it on loopback without one (web/metrics.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from podium.db import migrate
from podium.errors import StorageUnavailable, ZoomError
from podium.web.errors import management_refusal
from podium.web.metrics import CONTENT_TYPE, Metrics
from podium.web.runtime import Runtime

Check = Callable[[], str | None]  # None: fine; otherwise what is wrong, in a few words


class Liveness:
    """Background workers that /readyz watches, by name."""

    def __init__(self) -> None:
        self.checks: dict[str, Check] = {}

    def watch(self, name: str, task: asyncio.Task[object]) -> None:
        """The worker `name` is alive while `task` runs."""

        def alive() -> str | None:
            if not task.done():
                return None
            return "stopped" if task.cancelled() or task.exception() is None else "crashed"

        self.checks[name] = alive

    def forget(self, name: str) -> None:
        self.checks.pop(name, None)


class Health:
    def __init__(
        self,
        runtime: Runtime,
        liveness: Liveness,
        metrics: Metrics,
        authorize: Callable[[Request], None],
    ) -> None:
        self.runtime = runtime
        self.liveness = liveness
        self.metrics = metrics
        self.authorize = authorize
        self.head: str | None = None  # read at the first /readyz, not at start

    def routes(self) -> list[Route]:
        return [
            Route("/healthz", self.healthz, methods=["GET", "HEAD"]),
            Route("/readyz", self.readyz, methods=["GET", "HEAD"]),
            Route("/metrics", self.scrape, methods=["GET"]),
        ]

    async def healthz(self, _request: Request) -> Response:
        return PlainTextResponse("ok")

    def _schema(self) -> tuple[str | None, str | None]:
        """(database problem, schema problem)."""
        try:
            revisions = self.runtime.read(self._revisions)
        except (SQLAlchemyError, StorageUnavailable) as error:
            cause = error.__cause__ if isinstance(error, StorageUnavailable) else error
            reason = str(getattr(cause, "orig", None) or cause).strip().splitlines()[0][:200]
            if "alembic_version" in reason:
                return None, "not migrated"
            return f"unreachable: {reason}", "unknown"
        if self.head is None:
            self.head = migrate.head_revision()
        if self.head not in revisions:
            return None, f"at {','.join(sorted(revisions)) or 'none'}, not {self.head}"
        return None, None

    @staticmethod
    def _revisions(connection: Connection) -> set[str]:
        connection.execute(text("SELECT 1"))  # a round trip, even on a database not migrated
        return {
            row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
        }

    async def readyz(self, _request: Request) -> Response:
        database, schema = await run_in_threadpool(self._schema)  # a connect may take a while
        results = {"database": database, "migrations": schema}
        results.update({name: check() for name, check in self.liveness.checks.items()})
        failing = [name for name, problem in results.items() if problem is not None]
        body = {
            "status": "unavailable" if failing else "ready",
            "checks": {name: problem or "ok" for name, problem in results.items()},
            **({"failing": failing} if failing else {}),
        }
        headers = {"Cache-Control": "no-store"}
        return JSONResponse(body, 503 if failing else 200, headers=headers)

    async def scrape(self, request: Request) -> Response:
        try:
            self.authorize(request)
        except ZoomError as error:
            return management_refusal(error)
        return Response(self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})
