"""Podium for your tests: a real server on 127.0.0.1, and helpers to get an account on it.

from podium.testing import PodiumServer

with PodiumServer() as server:
    account = server.create_account()
    client = ZoomClient(account.api_key, account.api_secret)
    client.webinar.base_uri = server.base_url
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from podium.clock import FixedClock
from podium.db.engine import normalise_url
from podium.web.server import PodiumServer, ServerDidNotStart, TestAccount

__all__ = [
    "FixedClock",
    "PodiumServer",
    "ServerDidNotStart",
    "TestAccount",
    "throwaway_postgres_database",
]


@contextmanager
def throwaway_postgres_database(server_url: str, prefix: str = "podium_test") -> Iterator[str]:
    """The URL of a new, empty database on the PostgreSQL server of `server_url` (any
    database URL there), dropped afterwards, so runs never collide."""
    url = normalise_url(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
