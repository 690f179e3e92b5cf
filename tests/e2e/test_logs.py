"""The logs of a whole story (JSON, at debug): one JSON object a line, an access line per
request with its route template, and no secret, token, zak, pass, password or personal link
anywhere. Then PODIUM_SECRET_KEY rotation across restarts: what the old key signed keeps
working while the old key is listed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests import serving
from tests.e2e.harness import wait_until
from tests.mail_sink import MailSink

pytestmark = pytest.mark.e2e
ADMIN_TOKEN = "admin-token-which-is-secret-42"
OLD_KEY, NEW_KEY = "old-instance-key-0123456789", "new-instance-key-9876543210"


def start_server(database: Path, env: dict[str, str], *options: str) -> serving.Served:
    """`podium serve --port 0` on `database`, with only the PODIUM_* variables given here."""
    database_url = f"sqlite:///{database}"
    return serving.serve("--database-url", database_url, *options, env=env, clean_env=True)


def token(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


def test_a_whole_story_logs_no_secret(tmp_path: Path, mail_sink: MailSink) -> None:
    env = {
        "PODIUM_ADMIN_TOKEN": ADMIN_TOKEN,
        "PODIUM_SECRET_KEY": NEW_KEY,
        "PODIUM_SMTP_URL": mail_sink.url,
    }
    server = start_server(
        tmp_path / "p.sqlite3", env, "--log-format", "json", "--log-level", "debug"
    )
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        url = server.url
        keys = httpx2.post(f"{url}/podium/api/accounts", json={}, headers=admin).json()
        host = {k: keys[k] for k in ("api_key", "api_secret", "host_id")}
        created = httpx2.post(
            f"{url}/v1/webinar/create",
            data={
                **host,
                "topic": "Story",
                "approval_type": "0",
                "start_time": "2099-01-01T10:00:00Z",
                "password": "meeting77",
                "panelists": '[{"name": "P", "email": "p@x.test"}]',
            },
        ).json()
        person = httpx2.post(
            f"{url}/v1/webinar/register",
            params={"api_secret": keys["api_secret"]},  # a secret in the query string too
            data={
                "api_key": keys["api_key"],
                "id": created["id"],
                "email": "s@x.test",
                "first_name": "S",
                "last_name": "T",
            },
        ).json()
        console = httpx2.get(created["start_url"]).text
        live_pass = re.search(r'data-pass="([^"]+)"', console)
        assert live_pass is not None
        host_pass = live_pass.group(1)
        started = httpx2.post(  # "Go live", confirmed: it is earlier than scheduled
            f"{url}/live/{created['id']}/start",
            headers={"X-Podium-Pass": host_pass},
            json={"early": True},
        )
        with httpx2.stream(
            "GET", f"{url}/live/{created['id']}/events", params={"pass": host_pass}
        ) as stream:
            first = next(line for line in stream.iter_lines() if line.startswith("event:"))
        room = httpx2.get(person["join_url"])
        httpx2.post(f"{url}/v1/webinar/list", data={**host, "api_secret": "wrong-secret-xyz"})
        httpx2.get(f"{url}/w/{created['id']}", params={"tk": "guessed-token-abcdef"})
        bearer = httpx2.post(
            f"{url}/oauth/token",
            data={"grant_type": "account_credentials", "account_id": str(keys["account_id"])},
            auth=(keys["api_key"], keys["api_secret"]),
        ).json()["access_token"]
        v2_listed = httpx2.get(
            f"{url}/v2/users/me/webinars", headers={"Authorization": f"Bearer {bearer}"}
        )
        in_query = httpx2.get(f"{url}/v2/users/me/webinars", params={"access_token": bearer})
        hook = httpx2.post(  # refused (a loopback address), its secret in the body all the same
            f"{url}/podium/api/accounts/{keys['account_id']}/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "secret_token": "webhook-secret-777"},
            headers=admin,
        )
        metrics = httpx2.get(f"{url}/metrics", headers=admin)
        wait_until(lambda: len(mail_sink.received) >= 2)  # registration, panelist
    finally:
        log = server.stop()

    secrets = {
        "api_secret": keys["api_secret"],
        "zak": token(created["start_url"], "zak"),
        "personal link": token(person["join_url"], "tk"),
        "live pass": host_pass,
        "admin token": ADMIN_TOKEN,
        "secret key": NEW_KEY,
        "webinar password": "meeting77",
        "guessed token": "guessed-token-abcdef",
        "wrong secret": "wrong-secret-xyz",
        "v2 access token": bearer,
        "webhook secret token": "webhook-secret-777",
    }
    assert [story["id"] for story in v2_listed.json()["webinars"]] == [created["id"]]
    assert (in_query.status_code, hook.status_code) == (401, 400)
    assert (started.status_code, first, room.status_code) == (200, "event: state", 200)
    assert metrics.status_code == 200
    found = {name for name, value in secrets.items() if value in log}
    assert found == set()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(records) == len(log.splitlines()), "every line is one JSON object"
    access = [r for r in records if r["logger"] == "podium.access"]
    routes = {(r["method"], r["route"], r["status"]) for r in access}
    assert {
        ("POST", "/podium/api/accounts", 201),
        ("POST", "/v1/{action}", 200),
        ("GET", "/s/{webinar_id}", 200),
        ("POST", "/live/{webinar_id}/{action}", 200),
        ("GET", "/live/{webinar_id}/events", 200),
        ("GET", "/w/{webinar_id}", 200),
        ("GET", "/w/{webinar_id}", 403),
        ("GET", "/metrics", 200),
    } <= routes
    assert {r["logger"] for r in records} >= {"podium.access", "uvicorn.error", "podium.server"}
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["request_id"]) for r in access)


def test_links_and_credentials_survive_a_key_rotation(tmp_path: Path) -> None:
    database = tmp_path / "p.sqlite3"
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    before = start_server(
        database, {"PODIUM_SECRET_KEY": OLD_KEY, "PODIUM_ADMIN_TOKEN": ADMIN_TOKEN}
    )
    try:
        keys = httpx2.post(f"{before.url}/podium/api/accounts", json={}, headers=admin).json()
        host = {k: keys[k] for k in ("api_key", "api_secret", "host_id")}
        created = httpx2.post(
            f"{before.url}/v1/webinar/create", data={**host, "topic": "R", "approval_type": "0"}
        ).json()
        person = httpx2.post(
            f"{before.url}/v1/webinar/register",
            data={
                **host,
                "id": created["id"],
                "email": "r@x.test",
                "first_name": "R",
                "last_name": "S",
            },
        ).json()
        assert "join_url" in person, person
        token = httpx2.post(
            f"{before.url}/oauth/token",
            data={"grant_type": "account_credentials", "account_id": str(keys["account_id"])},
            auth=(keys["api_key"], keys["api_secret"]),
        ).json()["access_token"]
    finally:
        before.stop()
    bearer = {"Authorization": f"Bearer {token}"}

    def path(url: str) -> str:
        return url.split("/", 3)[3]

    rotated = start_server(database, {"PODIUM_SECRET_KEY": f"{NEW_KEY},{OLD_KEY}"})
    try:
        url = rotated.url
        listed = httpx2.post(
            f"{url}/v1/webinar/registration", data={**host, "id": created["id"]}
        ).json()
        room = httpx2.get(f"{url}/{path(person['join_url'])}")
        console = httpx2.get(f"{url}/{path(created['start_url'])}")
        v2_during = httpx2.get(f"{url}/v2/webinars/{created['id']}", headers=bearer)
    finally:
        rotated.stop()
    after = start_server(database, {"PODIUM_SECRET_KEY": NEW_KEY})
    try:
        refused = httpx2.post(f"{after.url}/v1/webinar/list", data=host).json()
        old_start = httpx2.get(f"{after.url}/{path(created['start_url'])}")
        old_link = httpx2.get(f"{after.url}/{path(person['join_url'])}")
        v2_after = httpx2.get(f"{after.url}/v2/webinars/{created['id']}", headers=bearer)
    finally:
        after.stop()

    assert [path(r["registration_url"]) for r in listed["attendees"]] == [path(person["join_url"])]
    assert (room.status_code, console.status_code) == (200, 200)
    assert refused == {"error": {"code": 200, "message": "Invalid api key or secret"}}
    assert old_start.status_code == 403
    # a v2 token issued under the old key works while that key is kept, not after
    assert (v2_during.status_code, v2_during.json()["topic"]) == (200, "R")
    assert (v2_after.status_code, v2_after.json()["code"]) == (401, 124)
    # a personal link is found by its digest: it does not depend on the key at all
    assert old_link.status_code == 200
