"""Metrics without a server: the loopback metrics port, multiprocess exposition, backlogs."""

from __future__ import annotations

import socket
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from podium.db import migrate
from podium.settings import Settings
from podium.web.metrics import Metrics, database_backlogs, serve_metrics_port
from podium.web.runtime import Runtime

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_backlogs_give_a_count_and_the_oldest_age() -> None:
    metrics = Metrics(now=lambda: NOW)
    metrics.backlogs["outbox"] = lambda: (3, NOW - timedelta(seconds=90))

    def away() -> tuple[int, datetime | None]:
        raise OperationalError("SELECT", {}, Exception("gone"))

    metrics.backlogs["webhooks"] = away
    lines = metrics.exposition().decode().splitlines()

    assert "podium_outbox_backlog 3.0" in lines
    assert "podium_outbox_oldest_age_seconds 90.0" in lines
    assert [line for line in lines if line.startswith("podium_webhooks")] == []


def test_multiprocess_exposition_reads_the_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    metrics = Metrics(now=lambda: NOW)
    metrics.backlogs["outbox"] = lambda: (0, None)

    lines = metrics.exposition().decode().splitlines()

    assert "podium_outbox_backlog 0.0" in lines
    assert "podium_outbox_oldest_age_seconds 0.0" in lines


def test_metrics_port_serves_only_metrics_on_loopback() -> None:
    port = free_port()
    stop = serve_metrics_port(port, lambda: b"podium_up 1\n")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            body, kind = answer.read(), answer.headers["Content-Type"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/other", timeout=10)
        missing.value.close()
    finally:
        stop()

    assert (body, kind) == (b"podium_up 1\n", "text/plain; version=0.0.4; charset=utf-8")
    assert missing.value.code == 404


def test_database_errors_are_counted_by_driver_exception_class() -> None:
    engine = create_engine("sqlite://")
    metrics = Metrics(now=lambda: NOW)
    metrics.watch_engine(engine)
    with engine.connect() as connection:
        for _ in range(2):
            with pytest.raises(OperationalError):
                connection.execute(text("SELECT * FROM no_such_table"))

    lines = metrics.exposition().decode().splitlines()

    assert 'podium_database_errors_total{error="OperationalError"} 2.0' in lines


def test_the_database_backlogs_count_waiting_mail_and_webhooks(tmp_path: Path) -> None:
    settings = replace(Settings.temporary(), database_url=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrate.upgrade(settings.database_url)
    runtime = Runtime.build(settings)
    metrics = Metrics(now=lambda: NOW)
    metrics.backlogs.update(database_backlogs(runtime))

    lines = metrics.exposition().decode().splitlines()

    assert "podium_outbox_backlog 0.0" in lines
    assert "podium_webhooks_backlog 0.0" in lines
    assert "podium_webhooks_oldest_age_seconds 0.0" in lines
