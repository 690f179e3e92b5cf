"""pytest fixtures `podium_server` and `podium_account` (registered through pytest11).

Imports of the web stack happen inside the fixtures, so loading the plugin costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from podium.web.server import PodiumServer, TestAccount


@pytest.fixture(scope="session")
def podium_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PodiumServer]:
    """A real sandbox Podium server for the whole test session, on a temporary SQLite file:
    `.base_url` (v1), `.v2_url` and `.token(account)` (v2), `.url(path)`, `.reset()`,
    `.clock`, `.calls()`, `.inject()`, `.simulate()`, `.seed()`, `.webhook_sink(account)` (a
    receiver that verifies like Zoom's SDK: `.deliveries(event=…)`, `.wait_for(event)`),
    `.inject_webhook(event, …)`."""
    from podium.settings import Settings
    from podium.web.server import PodiumServer

    database = tmp_path_factory.mktemp("podium") / "podium.sqlite3"
    with PodiumServer(Settings(database_url=f"sqlite:///{database}")) as server:
        yield server


@pytest.fixture
def podium_account(podium_server: PodiumServer) -> Iterator[TestAccount]:
    """A fresh account (with api_key, api_secret, host_id) for each test. After the test the
    fault rules it set are cleared and the server's clock is back to the real time."""
    yield podium_server.create_account()
    podium_server.clear_faults()
    podium_server.clock.reset()
