"""Secrets at rest: after a full run (credentials, personal links, start links, the pages
they open — console, report, room, calendar file, the registration page — mail, failed
logins), no api_secret, personal token or zak appears in the database file, its WAL or
the server's log, and no api_secret or zak in the captured mail; every token carries at
least 128 bits."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests import serving
from tests.e2e.harness import account, wait_until
from tests.mail_sink import MailSink

pytestmark = pytest.mark.e2e


def bits(token: str) -> int:
    padded = token + "=" * (-len(token) % 4)
    return len(base64.urlsafe_b64decode(padded)) * 8


def test_no_secret_or_token_is_stored_or_logged(tmp_path: Path, mail_sink: MailSink) -> None:
    database = tmp_path / "podium.sqlite3"
    option = ["--database-url", f"sqlite:///{database}"]
    keys = account(option)
    server = serving.serve(*option, env={"PODIUM_SMTP_URL": mail_sink.url})
    url = server.url
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    host = {**credentials, "host_id": keys["host_id"]}
    try:
        wait_until(lambda: httpx2.get(f"{url}/healthz").status_code == 200)
        created = httpx2.post(
            f"{url}/v1/webinar/create",
            data={
                **host,
                "topic": "S",
                "approval_type": "1",
                "start_time": "2099-01-01T10:00:00Z",
                "password": "pw-secret1",
                "panelists": '[{"name": "P", "email": "p@x.test"}]',
            },
        ).json()
        person = httpx2.post(
            f"{url}/v1/webinar/register",
            data={
                **credentials,
                "id": created["id"],
                "email": "s@x.test",
                "first_name": "S",
                "last_name": "T",
            },
        ).json()
        httpx2.post(
            f"{url}/v1/webinar/registrants/approve",
            data={**host, "id": created["id"], "registrant_ids": person["registrant_id"]},
        )
        got = httpx2.post(f"{url}/v1/webinar/get", data={**host, "id": created["id"]}).json()
        panelist = httpx2.post(
            f"{url}/v1/webinar/panelists", data={**host, "id": created["id"]}
        ).json()["panelists"][0]
        wrong = httpx2.post(
            f"{url}/v1/webinar/list", data={**host, "api_secret": keys["api_secret"][:-2] + "xx"}
        ).json()
        httpx2.get(got["start_url"])
        httpx2.get(got["start_url"].replace("?zak=", "/report?zak="))
        httpx2.get(person["join_url"])
        httpx2.get(person["join_url"].replace("?tk=", "/calendar.ics?tk="))
        with httpx2.Client() as visitor:  # the same e-mail again on the registration page
            form = visitor.get(created["registration_url"]).text
            csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            visitor.post(
                created["registration_url"],
                data={"csrf": csrf, "first_name": "M", "last_name": "O", "email": "s@x.test"},
            )
        wait_until(lambda: len(mail_sink.received) >= 4)  # pending, approved, panelist, again
    finally:
        log = server.stop()

    personal = parse_qs(urlsplit(person["join_url"]).query)["tk"][0]
    panelist_token = parse_qs(urlsplit(panelist["join_url"]).query)["tk"][0]
    zak = parse_qs(urlsplit(got["start_url"]).query)["zak"][0]
    secrets = {
        "api_secret": keys["api_secret"],
        "personal": personal,
        "panelist": panelist_token,
        "zak": zak,
    }
    assert wrong == {"error": {"code": 200, "message": "Invalid api key or secret"}}
    assert {name: bits(value) >= 128 for name, value in secrets.items()} == dict.fromkeys(
        secrets, True
    )
    stored = b"".join(
        path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("podium.sqlite3")
    )
    for name, value in secrets.items():
        assert value.encode() not in stored, f"{name} is in the database files"
        assert value not in log, f"{name} is in the log"
    mail = b"".join(item.message.as_bytes() for item in mail_sink.received)
    assert keys["api_secret"].encode() not in mail
    assert zak.encode() not in mail
