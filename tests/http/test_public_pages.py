"""Public pages: GET never changes state (opening a start link starts nothing: link
previewers and mail scanners open links), pages carrying tokens are private, and an address
that keeps guessing links is throttled."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Base
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import v1

PRIVATE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}


def local(url: str) -> str:
    return url.replace(PUBLIC_URL, "")


def snapshot(session: Session) -> dict[str, list[Any]]:
    session.expire_all()
    return {
        table.name: [tuple(row) for row in session.execute(select(table)).all()]
        for table in Base.metadata.sorted_tables
    }


def arranged(client: TestClient, account: AccountKeys) -> dict[str, str]:
    """A webinar with registration, a registrant and a panelist; the pages that open them."""
    created = v1(
        client,
        "webinar/create",
        account.host_params(
            topic="Pages",
            approval_type=0,
            start_time="2030-01-01T10:00:00Z",
            panelists='[{"name": "Pat", "email": "pat@x.test"}]',
        ),
    )
    joined = v1(
        client,
        "webinar/register",
        account.credentials(id=created["id"], email="a@x.test", first_name="A", last_name="B"),
    )
    panelist = v1(client, "webinar/panelists", account.host_params(id=created["id"]))["panelists"][
        0
    ]
    open_webinar = v1(client, "webinar/create", account.host_params(topic="Open"))
    return {
        "console": local(created["start_url"]),
        "report": local(created["start_url"]).replace("?zak=", "/report?zak="),
        "personal": local(joined["join_url"]),
        "calendar": local(joined["join_url"]).replace("?tk=", "/calendar.ics?tk="),
        "public calendar": f"/webinar/register/{created['id']}/calendar.ics",
        "cancel": local(joined["join_url"]).replace("?tk=", "/cancel?tk="),
        "panelist": local(panelist["join_url"]),
        "register": f"/webinar/register/{created['id']}",
        "join": local(open_webinar["join_url"]),
        "index": "/",
    }


def test_get_never_changes_state(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    pages = arranged(client, account)
    before = snapshot(session)

    answers = {name: client.get(path) for name, path in pages.items()}

    assert {name: response.status_code for name, response in answers.items()} == dict.fromkeys(
        pages, 200
    )
    assert snapshot(session) == before


def test_pages_carrying_tokens_are_private(client: TestClient, account: AccountKeys) -> None:
    pages = arranged(client, account)

    for name in ("console", "report", "personal", "calendar", "cancel", "panelist"):
        response = client.get(pages[name])
        assert response.status_code == 200, name
        assert {k: response.headers.get(k) for k in PRIVATE} == PRIVATE, name
    refused = client.get(pages["personal"].replace("tk=", "tk=x"))
    assert refused.status_code == 403
    assert {k: refused.headers.get(k) for k in PRIVATE} == PRIVATE


def test_an_address_that_keeps_guessing_is_throttled(
    client: TestClient, account: AccountKeys
) -> None:
    pages = arranged(client, account)

    misses = [client.get(f"/w/{n}?tk=guess{n}").status_code for n in range(30)]
    throttled = client.get("/w/1?tk=one-more")
    even_a_good_link = client.get(pages["personal"])
    api = v1(client, "webinar/list", account.host_params())

    assert misses == [403] * 30
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert throttled.text == "Too many links that do not open from this address. Try again later."
    assert even_a_good_link.status_code == 429
    assert "webinars" in api  # the v1 API is not a public page: its own limits apply


def test_found_pages_do_not_count_as_misses(client: TestClient, account: AccountKeys) -> None:
    pages = arranged(client, account)

    answers = [client.get(pages["personal"]).status_code for _ in range(40)]

    assert answers == [200] * 40
