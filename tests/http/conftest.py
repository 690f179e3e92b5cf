"""Fixtures of the HTTP tests: the management API's client, v2 clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Connection
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.ids import Ids
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.admin_helpers import BEARER, TOKEN
from tests.http.v2_helpers import V2, token_for


@pytest.fixture
def admin_runtime(settings: Settings, connection: Connection, clock: FixedClock) -> Runtime:
    sandbox = replace(settings, admin_token=TOKEN, sandbox=True, journal_limit=5)
    return Runtime.build(sandbox, clock=clock, ids=Ids.seeded(99), bind=connection)


@pytest.fixture
def admin(admin_runtime: Runtime) -> Iterator[TestClient]:
    """The app of a sandbox with a management token; every request carries the token."""
    app = create_app(admin_runtime.settings, admin_runtime)
    with TestClient(app, raise_server_exceptions=False, headers=BEARER) as client:
        yield client


@pytest.fixture
def v2(client: TestClient, account: AccountKeys) -> V2:
    """A v2 client of `account`, with a token from POST /oauth/token."""
    return V2(client, token_for(client, account))


@pytest.fixture
def other_v2(client: TestClient, other_account: AccountKeys) -> V2:
    return V2(client, token_for(client, other_account))


from tests.http.manage_helpers import owner, person, signed  # noqa: E402, F401 - dashboard fixtures
