"""Podium for your tests: a real server on 127.0.0.1, and helpers to get an account on it.

from podium.testing import PodiumServer

with PodiumServer() as server:
    account = server.create_account()
    client = ZoomClient(account.api_key, account.api_secret)
    client.webinar.base_uri = server.base_url
"""

from __future__ import annotations

from podium.clock import FixedClock
from podium.web.server import PodiumServer, ServerDidNotStart, TestAccount

__all__ = ["FixedClock", "PodiumServer", "ServerDidNotStart", "TestAccount"]
