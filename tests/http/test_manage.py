"""Podium's own JSON endpoint for polls (HTTP Basic with the account's API key pair)."""

from __future__ import annotations

import httpx2
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Poll
from tests.conftest import AccountKeys
from tests.http.registration_helpers import create_webinar

POLL = {
    "title": "Pulse",
    "questions": [{"name": "Mood?", "type": "single", "answers": ["Good", "Bad"]}],
}


def auth(account: AccountKeys) -> httpx2.BasicAuth:
    return httpx2.BasicAuth(account.api_key, account.api_secret)


def test_polls_are_created_and_listed(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    url = f"/podium/api/webinars/{webinar_id}/polls"

    created = client.post(url, json=POLL, auth=auth(account))
    listed = client.get(url, auth=auth(account))

    [(poll_id, title)] = session.execute(select(Poll.id, Poll.title)).all()
    assert (created.status_code, created.json()) == (201, {"id": poll_id, **POLL})
    assert listed.json() == {"polls": [{"id": poll_id, **POLL}]}
    assert title == "Pulse"


def test_polls_need_credentials(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)
    url = f"/podium/api/webinars/{webinar_id}/polls"

    missing = client.get(url)
    garbage = client.get(url, headers={"authorization": "Basic !!!"})
    wrong = client.get(url, auth=httpx2.BasicAuth(account.api_key, "wrong"))

    assert missing.status_code == garbage.status_code == wrong.status_code == 401
    assert missing.headers["www-authenticate"] == 'Basic realm="podium"'
    assert wrong.json() == {"error": {"code": 200, "message": "Invalid api key or secret"}}


def test_polls_of_another_accounts_webinar_are_not_found(
    client: TestClient, account: AccountKeys, other_account: AccountKeys, session: Session
) -> None:
    theirs = create_webinar(client, other_account)

    response = client.post(f"/podium/api/webinars/{theirs}/polls", json=POLL, auth=auth(account))

    assert (response.status_code, response.json()) == (
        404,  # like the management API and v2: a missing webinar is 404
        {"error": {"code": 3001, "message": f"Webinar {theirs} not found or expired."}},
    )
    assert session.execute(select(Poll)).scalars().all() == []


def test_polls_refuse_bad_definitions(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)
    url = f"/podium/api/webinars/{webinar_id}/polls"

    not_json = client.post(url, content=b"{", auth=auth(account))
    bad = client.post(url, json={"title": "T"}, auth=auth(account))

    assert not_json.json() == {
        "error": {"code": 300, "message": "Invalid parameter: poll. The body is not JSON."}
    }
    assert bad.json() == {
        "error": {"code": 300, "message": "Invalid parameter: poll. questions: 1 to 20 objects."}
    }
