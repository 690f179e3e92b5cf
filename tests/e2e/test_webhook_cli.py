"""`podium webhook add | list | remove | send-pending` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from podium.web.webhook_sink import WebhookSink
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e
SECRET = "cli-secret"


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PODIUM, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as running:
        yield running


def test_add_list_remove(tmp_path: Path, sink: WebhookSink) -> None:
    run("account", "create", "--name", "A", "--host-email", "a@a.test", cwd=tmp_path)
    add = ["webhook", "add", "--account-id", "1", "--url", sink.url, "--secret-token", SECRET]

    refused = run(*add, cwd=tmp_path)
    added = run(
        *add, "--event", "webinar.created", "--json", cwd=tmp_path, PODIUM_WEBHOOK_ALLOW_PRIVATE="1"
    )
    created = json.loads(added.stdout)
    listed = run("webhook", "list", "--account-id", "1", "--json", cwd=tmp_path)
    shown = run("webhook", "list", "--account-id", "1", cwd=tmp_path)
    removed = run("webhook", "remove", "--account-id", "1", "--id", created["id"], cwd=tmp_path)
    again = run("webhook", "remove", "--account-id", "1", "--id", created["id"], cwd=tmp_path)
    idle = run("webhook", "send-pending", cwd=tmp_path)

    assert refused.returncode == 1
    assert refused.stderr == (
        "Error: Webhook URL refused: 127.0.0.1 is a loopback address, which webhooks may not "
        "reach (allowed only on a --sandbox server or with PODIUM_WEBHOOK_ALLOW_PRIVATE=1).\n"
    )
    assert added.returncode == 0, added.stderr
    assert (created["url"], created["events"], created["status"]) == (
        sink.url,
        ["webinar.created"],
        "active",
    )
    assert sink.validations == 1
    assert json.loads(listed.stdout) == [created]
    assert shown.stdout == f"{created['id']}  active       {sink.url}  webinar.created\n"
    assert SECRET not in listed.stdout + shown.stdout
    assert (removed.returncode, removed.stdout) == (0, f"removed {created['id']}\n")
    assert (again.returncode, again.stderr) == (
        1,
        f"Error: No webhook subscription {created['id']}.\n",
    )
    assert (idle.returncode, idle.stdout) == (0, "sent 0, retrying 0, failed 0\n")


def test_an_endpoint_that_fails_validation_is_not_added(tmp_path: Path, sink: WebhookSink) -> None:
    run("account", "create", "--name", "A", "--host-email", "a@a.test", cwd=tmp_path)

    result = run(
        "webhook",
        "add",
        "--account-id",
        "1",
        "--url",
        sink.url,
        cwd=tmp_path,
        PODIUM_WEBHOOK_ALLOW_PRIVATE="1",
        PODIUM_WEBHOOK_SECRET_TOKEN="wrong",
    )
    listed = run("webhook", "list", "--account-id", "1", "--json", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == (
        "Error: The endpoint did not pass URL validation: it answered HTTP 400: "
        '{"error": "Failed to verify event originated from Zoom."}\n'
    )
    assert json.loads(listed.stdout) == []
