"""A real Podium server on a loopback port, shared by the socket-level tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from podium.db import migrate
from podium.settings import Settings
from podium.testing import PodiumServer, TestAccount
from tests.conftest import fresh_database


@pytest.fixture(scope="session")
def server_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the real servers' own: what they commit stays out of other tests."""
    yield from fresh_database(tmp_path_factory)


@pytest.fixture(scope="session")
def server(server_database_url: str) -> Iterator[PodiumServer]:
    migrate.upgrade(server_database_url)
    with PodiumServer(Settings(database_url=server_database_url)) as running:
        yield running


@pytest.fixture
def fresh_account(server: PodiumServer) -> TestAccount:
    return server.create_account(host_email="host@e2e.test")
