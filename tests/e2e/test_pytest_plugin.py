"""A user's test file, run by pytest with Podium's plugin, driving PyPI zoomus."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

USER_TEST = """
from zoomus import ZoomClient


def zoom_for(server, account):
    client = ZoomClient(account.api_key, account.api_secret)
    client.webinar.base_uri = server.base_url
    return client


def test_create_and_get(podium_server, podium_account):
    zoom = zoom_for(podium_server, podium_account)
    created = zoom.webinar.create(host_id=podium_account.host_id, topic="Plugin").json()
    got = zoom.webinar.get(host_id=podium_account.host_id, id=created["id"]).json()
    assert got["topic"] == "Plugin"
    assert podium_server.url("/healthz").startswith("http://127.0.0.1:")


def test_each_test_gets_a_fresh_account(podium_server, podium_account):
    zoom = zoom_for(podium_server, podium_account)
    listed = zoom.webinar.list(host_id=podium_account.host_id).json()
    assert listed["total_records"] == 0


def test_webhooks_reach_the_sink(podium_server, podium_account):
    zoom = zoom_for(podium_server, podium_account)
    with podium_server.webhook_sink(podium_account, events=["webinar.created"]) as sink:
        zoom.webinar.create(host_id=podium_account.host_id, topic="Hooked")
        [delivery] = sink.wait_for("webinar.created")
    assert delivery.body["payload"]["object"]["topic"] == "Hooked"
    assert sink.deliveries(event="webinar.updated") == []
"""


def test_plugin_fixtures_drive_zoomus(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")

    result.assert_outcomes(passed=3)
