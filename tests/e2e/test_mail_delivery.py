"""Delivery as deployed: the worker inside a running server, and two `podium mail
send-pending` processes racing over one outbox (each message sent exactly once)."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx2
import pytest

from podium.settings import Settings
from podium.testing import PodiumServer
from tests.mail_sink import MailSink, parts
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e


def call(server: PodiumServer, keys: dict[str, str], action: str, **params: Any) -> Any:
    return httpx2.post(f"{server.base_url}/{action}", data={**keys, **params}).json()


def test_the_server_delivers_by_itself(mail_sink: MailSink) -> None:
    settings = replace(Settings.temporary(), smtp_url=mail_sink.url)
    with PodiumServer(settings) as server:
        account = server.create_account()
        keys = {"api_key": account.api_key, "api_secret": account.api_secret}
        created = call(
            server,
            keys,
            "webinar/create",
            host_id=account.host_id,
            topic="Live",
            approval_type=0,
            start_time="2099-01-01T10:00:00Z",
        )
        answer = call(
            server,
            keys,
            "webinar/register",
            id=created["id"],
            email="live@example.com",
            first_name="L",
            last_name="V",
        )
        deadline = time.monotonic() + 60
        while not mail_sink.received and time.monotonic() < deadline:  # poll with a deadline
            time.sleep(0.05)

    [received] = mail_sink.received
    assert received.recipients == ["live@example.com"]
    assert received.message["Subject"] == "Registration confirmed: Live"
    assert answer["join_url"] in parts(received.message)["text"]


def test_two_senders_never_send_a_message_twice(tmp_path: Path, mail_sink: MailSink) -> None:
    database = f"sqlite:///{tmp_path / 'podium.sqlite3'}"
    with PodiumServer(Settings(database_url=database)) as server:
        account = server.create_account()
        keys = {"api_key": account.api_key, "api_secret": account.api_secret}
        created = call(
            server,
            keys,
            "webinar/create",
            host_id=account.host_id,
            topic="Race",
            approval_type=0,
            start_time="2099-01-01T10:00:00Z",
        )
        for number in range(60):
            call(
                server,
                keys,
                "webinar/register",
                id=created["id"],
                email=f"r{number}@example.com",
                first_name="R",
                last_name=str(number),
            )

    senders = [
        subprocess.Popen(
            [
                *PODIUM,
                "mail",
                "send-pending",
                "--database-url",
                database,
                "--smtp-url",
                mail_sink.url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=120) for sender in senders]
    listed = subprocess.run(
        [*PODIUM, "mail", "list", "--database-url", database, "--json", "--limit", "100"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert [sender.returncode for sender in senders] == [0, 0], outputs
    sent = [int(out.split()[1].rstrip(",")) for out, _err in outputs]
    assert sum(sent) == 60
    recipients = [r.recipients[0] for r in mail_sink.received]
    assert len(recipients) == 60
    assert len(set(recipients)) == 60
    items = json.loads(listed.stdout)
    assert len(items) == 60
    assert {item["status"] for item in items} == {"sent"}
    assert {item["subject"] for item in items} == {"Registration confirmed: Race"}
    assert items[0]["to"] == "r59@example.com"
