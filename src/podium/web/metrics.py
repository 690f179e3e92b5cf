"""Prometheus metrics (prometheus-client): /metrics, and the values the app counts.

Counted per request (web/observe.py): `podium_http_requests_total{route,method,status}` and
`podium_http_request_duration_seconds{route,method}` (a histogram), the route being the
template (`/v1/{action}`, `/w/{webinar_id}`), never the raw path. `podium_live_connections`
is the number of open event streams; `podium_database_errors_total{error}` counts the
DBAPI errors the engine raised. Read from the database when scraped: the outbox backlog
(`podium_outbox_backlog`, `podium_outbox_oldest_age_seconds`) and whatever else registers
a backlog (`Metrics.backlogs`: a webhook outbox, later).

With `--workers N` every process writes its values to files in PROMETHEUS_MULTIPROC_DIR
(set by the supervisor before the workers start); any of them answers /metrics with the sum
(prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import SQLAlchemyError

from podium.db.engine import WRITE_OPTION

if TYPE_CHECKING:
    from podium.web.runtime import Runtime

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# name → () -> (items waiting, oldest item's time or None)
Backlog = Callable[[], tuple[int, datetime | None]]


def database_backlogs(runtime: Runtime) -> dict[str, Backlog]:
    """What waits in the database to be sent, read when scraped: e-mails and webhooks (the
    same for a single process and for the supervisor of --workers)."""
    from podium.services import outbox, webhook_outbox

    return {
        "outbox": lambda: runtime.run(outbox.backlog, writes=False),
        "webhooks": lambda: runtime.run(webhook_outbox.owed, writes=False),
    }


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """One app's metrics; `observe` is called once per request."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "podium_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.duration = Histogram(
            "podium_http_request_duration_seconds",
            "Time from the request's arrival to the end of its answer, by route template.",
            ("route", "method"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.live = Gauge(
            "podium_live_connections",
            "Open live event streams (Server-Sent Events).",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.database_errors = Counter(
            "podium_database_errors",
            "Errors the database driver raised, by exception class.",
            ("error",),
            registry=self.registry,
        )
        self.commits = Counter(
            "podium_database_commits",
            "Transactions committed (each a write to the database).",
            registry=self.registry,
        )
        self.backlogs: dict[str, Backlog] = {}
        self.now = now
        self.registry.register(BacklogCollector(self.backlogs, now))
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:  # labels() takes a lock and builds a tuple: once per key
            children = (
                self.requests.labels(route, method, str(status)),
                self.duration.labels(route, method),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def watch_engine(self, engine: Engine) -> None:
        def on_error(context: ExceptionContext) -> None:
            error = context.original_exception
            self.database_errors.labels(type(error).__name__).inc()

        event.listen(engine, "handle_error", on_error)

        def on_commit(connection: Connection) -> None:
            if connection.get_execution_options().get(WRITE_OPTION, False):
                self.commits.inc()  # a writing transaction (reads commit nothing)

        event.listen(engine, "commit", on_commit)

    def exposition(self) -> bytes:
        """The Prometheus text of every process (multiprocess mode) or of this one."""
        folder = multiprocess_dir()
        if folder is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
        registry.register(BacklogCollector(self.backlogs, self.now))
        return generate_latest(registry)


class BacklogCollector(Collector):
    """Outboxes read from the database when scraped (the same in every process)."""

    def __init__(self, backlogs: dict[str, Backlog], now: Callable[[], datetime]) -> None:
        self.backlogs = backlogs
        self.now = now

    def collect(self) -> list[Metric]:
        found: list[Metric] = []
        for name, read in self.backlogs.items():
            try:
                count, oldest = read()
            except SQLAlchemyError:  # the database is away: /readyz says so; no figure
                continue
            waiting = GaugeMetricFamily(
                f"podium_{name}_backlog", f"Items of the {name} waiting to be sent."
            )
            waiting.add_metric([], count)
            age = GaugeMetricFamily(
                f"podium_{name}_oldest_age_seconds",
                f"Age of the oldest item of the {name} waiting to be sent (0: none).",
            )
            age.add_metric([], 0 if oldest is None else (self.now() - oldest).total_seconds())
            found += [waiting, age]
        return found


def serve_metrics_port(port: int, exposition: Callable[[], bytes]) -> Callable[[], None]:
    """/metrics on 127.0.0.1:`port` in a thread of its own (no token: loopback only).
    Returns what stops it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != "/metrics":
                self.send_error(404)
                return
            body = exposition()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass  # scrapes are not worth a line each

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
