"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via PODIUM_TEST_DATABASE_URL),
a per-test transaction rolled back through savepoints, the app, a client and a FixedClock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db import migrate
from podium.db.engine import WRITE_OPTION, make_engine
from podium.ids import Ids
from podium.settings import Settings
from podium.testing import PodiumServer, TestAccount, throwaway_postgres_database
from podium.web.app import create_app
from podium.web.runtime import Runtime
from tests.mail_sink import mail_sink  # noqa: F401 - a fixture for every test folder

# The container test (tests/container: debootstrap, buildah) runs in `make test-container`
# (.ci/run), not in `make test`.
collect_ignore = [] if os.environ.get("PODIUM_TEST_CONTAINER") else ["container"]

# A busy machine (two xdist workers, other jobs) must not fail a test: no per-example time
# bound and no "too slow" health check, for every property test (their own @settings add to it).
hypothesis_settings.register_profile(
    "podium", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("podium")


NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
PUBLIC_URL = "https://podium.test"
pytest_plugins = ["pytester"]


def fresh_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database: PostgreSQL when PODIUM_TEST_DATABASE_URL is set, else SQLite."""
    base = os.environ.get("PODIUM_TEST_DATABASE_URL")
    if base:
        with throwaway_postgres_database(base) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'podium.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database of the in-process tests (each test rolls back what it wrote)."""
    yield from fresh_database(tmp_path_factory)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """The test's own transaction: everything the app writes is rolled back afterwards."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})  # a real BEGIN on SQLite
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, public_url=PUBLIC_URL)


@pytest.fixture
def runtime(settings: Settings, connection: Connection, clock: FixedClock) -> Runtime:
    return Runtime.build(settings, clock=clock, ids=Ids.seeded(1234), bind=connection)


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """A session on the test's transaction, for arranging and for checking database state."""
    with runtime.transactions.writers() as session:
        yield session


@pytest.fixture
def client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(settings, runtime), raise_server_exceptions=False) as client:
        yield client


@dataclass(frozen=True)
class AccountKeys:
    account_id: int
    api_key: str
    api_secret: str
    host_id: str

    def credentials(self, **params: Any) -> dict[str, Any]:
        return {"api_key": self.api_key, "api_secret": self.api_secret, **params}

    def host_params(self, **params: Any) -> dict[str, Any]:
        """Credentials and this account's host_id, then `params` (which may override them)."""
        return self.credentials(**{"host_id": self.host_id, **params})


def make_account(runtime: Runtime, name: str, email: str) -> AccountKeys:
    created = runtime.new_account(name=name, host_email=email)
    return AccountKeys(created.account_id, created.api_key, created.api_secret, created.host_id)


@pytest.fixture
def account(runtime: Runtime) -> AccountKeys:
    return make_account(runtime, "Acme", "host@acme.test")


@pytest.fixture
def other_account(runtime: Runtime) -> AccountKeys:
    return make_account(runtime, "Globex", "host@globex.test")


@pytest.fixture(scope="session")
def server_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the real servers' own: what they commit stays out of other tests."""
    yield from fresh_database(tmp_path_factory)


@pytest.fixture(scope="session")
def server(server_database_url: str) -> Iterator[PodiumServer]:
    """A real Podium on a loopback port (socket, client and browser tests)."""
    migrate.upgrade(server_database_url)
    with PodiumServer(Settings(database_url=server_database_url)) as running:
        yield running


@pytest.fixture
def fresh_account(server: PodiumServer) -> TestAccount:
    return server.create_account(host_email="host@e2e.test")


@pytest.fixture
def two_servers(server_database_url: str) -> Iterator[list[str]]:
    """Two `podium serve` processes on two ports over the servers' database; their URLs."""
    processes, urls = [], []
    for _ in range(2):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "podium",
                "serve",
                "--port",
                "0",
                "--database-url",
                server_database_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        processes.append(process)
        assert process.stdout is not None
        deadline = time.monotonic() + 120  # generous: a busy machine starts it slowly
        while time.monotonic() < deadline:  # poll the output with a deadline
            line = process.stdout.readline()
            found = re.match(r"Podium is listening on (\S+) ", line)
            if found:
                urls.append(found.group(1))
                break
    try:
        assert len(urls) == 2
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=60)
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(__file__).parent / "data"
