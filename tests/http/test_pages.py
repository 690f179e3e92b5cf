"""The registration page and personal links, over HTTP (the browser test drives the same)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.http.registration_helpers import (
    SERIES_OCCURRENCES,
    create_series,
    create_webinar,
    personal_link,
    register,
    registrant_rows,
    statuses,
)


def form_page(client: TestClient, webinar_id: int, query: str = "") -> tuple[str, str]:
    """The page's HTML and its CSRF field (the cookie stays in the client)."""
    response = client.get(f"/webinar/register/{webinar_id}{query}")
    assert response.status_code == 200
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', response.text)
    assert match is not None
    return response.text, match.group(1)


def submit(client: TestClient, webinar_id: int, csrf: str, **fields: str) -> tuple[int, str]:
    form = {
        "csrf": csrf,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@x.io",
        **fields,
    }
    response = client.post(f"/webinar/register/{webinar_id}", data=form)
    return response.status_code, response.text


def test_register_page_shows_topic_and_time_in_chosen_zone(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, topic="Launch <b>", timezone="Europe/Berlin")

    default, _ = form_page(client, webinar_id)
    tokyo, _ = form_page(client, webinar_id, "?tz=Asia/Tokyo")

    assert "<h1>Launch &lt;b&gt;</h1>" in default
    assert "Sunday 01 February 2026, 11:00 (Europe/Berlin)" in default
    assert "Sunday 01 February 2026, 19:00 (Asia/Tokyo)" in tokyo


def test_register_page_submits_and_confirms_with_the_join_link(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    _, csrf = form_page(client, webinar_id)

    response = client.post(
        f"/webinar/register/{webinar_id}",
        data={"csrf": csrf, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@x.io"},
    )

    [row] = registrant_rows(session)
    assert response.status_code == 200
    assert "You are registered" in response.text
    assert personal_link(runtime, webinar_id, row) in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert (row.email, row.status) == ("ada@x.io", "approved")


def test_register_page_pending_approval(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    _, csrf = form_page(client, webinar_id)

    status, html = submit(client, webinar_id, csrf)

    assert status == 200
    assert "pending approval" in html
    assert "/w/" not in html
    assert statuses(session) == {"ada@x.io": "pending"}


def test_register_page_shows_the_api_message_for_a_bad_email(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    _, csrf = form_page(client, webinar_id)

    status, html = submit(client, webinar_id, csrf, email="not-an-email", org="Acme")

    assert status == 400
    assert "Invalid parameter: email. An email address must have an @-sign." in html
    assert 'value="Acme"' in html
    assert registrant_rows(session) == []


def test_register_page_chooses_occurrences(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=3)
    html, csrf = form_page(client, webinar_id)
    form = {"csrf": csrf, "first_name": "A", "last_name": "B", "email": "a@x.io"}
    pairs = [
        *form.items(),
        ("occurrence_ids", SERIES_OCCURRENCES[0]),
        ("occurrence_ids", SERIES_OCCURRENCES[2]),
    ]

    response = client.post(
        f"/webinar/register/{webinar_id}",
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert html.count('name="occurrence_ids"') == 3
    assert response.status_code == 200
    body = v1(
        client,
        "webinar/registration",
        account.host_params(id=webinar_id, occurrence_id=SERIES_OCCURRENCES[1]),
    )
    assert body["attendees"] == []
    assert [row.email for row in registrant_rows(session)] == ["a@x.io"]


def test_register_page_without_csrf_is_403(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    form_page(client, webinar_id)

    status, html = submit(client, webinar_id, "0" * 64)

    assert status == 403
    assert "Form refused" in html
    assert registrant_rows(session) == []


def test_register_page_from_a_foreign_origin_is_403(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    _, csrf = form_page(client, webinar_id)

    response = client.post(
        f"/webinar/register/{webinar_id}",
        headers={"origin": "https://evil.test"},
        data={"csrf": csrf, "first_name": "A", "last_name": "B", "email": "a@x.io"},
    )

    assert response.status_code == 403
    assert registrant_rows(session) == []


@pytest.mark.parametrize("case", ["unknown", "deleted", "ended", "no registration", "garbage"])
def test_register_page_is_404_when_not_open(
    case: str, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(
        client, account, approval_type=2 if case == "no registration" else 0
    )
    if case == "deleted":
        v1(client, "webinar/delete", account.host_params(id=webinar_id))
    if case == "ended":
        v1(client, "webinar/end", account.host_params(id=webinar_id))
    target = {"unknown": "1234567890", "garbage": "abc"}.get(case, str(webinar_id))

    get = client.get(f"/webinar/register/{target}")
    post = client.post(f"/webinar/register/{target}")

    assert get.status_code == 404
    assert "Webinar not found" in get.text
    assert post.status_code == 403  # no CSRF cookie: refused before anything is looked up


def test_register_page_for_a_webinar_closed_meanwhile(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    _, csrf = form_page(client, webinar_id)
    clock.advance(days=30)

    status, html = submit(client, webinar_id, csrf)

    assert status == 404
    assert "Webinar not found" in html
    assert registrant_rows(session) == []


def test_personal_link_of_an_approved_registrant_opens(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)
    link = register(client, account, webinar_id, "ada@x.io")["join_url"]

    response = client.get(link.replace("https://podium.test", ""))

    assert response.status_code == 200
    assert "Welcome, Ada Lovelace" in response.text
    assert response.headers["referrer-policy"] == "no-referrer"


def test_personal_link_of_a_panelist_opens(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account, panelists='[{"name": "Pan", "email": "p@x.io"}]')
    [panelist] = v1(client, "webinar/panelists", account.host_params(id=webinar_id))["panelists"]

    response = client.get(panelist["join_url"].replace("https://podium.test", ""))

    assert response.status_code == 200
    assert "Welcome, Pan. You are here as panelist." in response.text


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("pending", "This registration is waiting for the host&#39;s approval."),
        ("cancelled", "This registration was cancelled."),
        ("forged", "This link is not valid."),
        ("other webinar", "This link is not valid."),
    ],
)
def test_personal_link_refusals_are_403_with_the_reason(
    case: str, reason: str, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    answer = register(client, account, webinar_id, "ada@x.io")
    link = answer["join_url"].replace("https://podium.test", "")
    if case == "cancelled":
        v1(
            client,
            "webinar/registration/cancel",
            account.host_params(id=webinar_id, registrant_ids=answer["registrant_id"]),
        )
    if case == "forged":
        link = f"/w/{webinar_id}?tk=" + "A" * 43
    if case == "other webinar":
        link = link.replace(f"/w/{webinar_id}", "/w/1234567890")

    response = client.get(link)

    assert response.status_code == 403
    assert reason in response.text
    assert "Welcome" not in response.text
    assert response.headers["cache-control"] == "no-store"


def test_unknown_pages_are_html(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    wrong_method = client.delete("/healthz")
    api = client.post("/v1/webinar/nope")

    assert missing.status_code == 404
    assert "There is no page at this address." in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    assert wrong_method.status_code == 405
    assert "DELETE is not allowed at this address." in wrong_method.text
    assert api.json() == {
        "error": {"code": 404, "message": "Unknown API endpoint: /v1/webinar/nope"}
    }


def test_the_front_page_says_where_the_api_is(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "<code>https://podium.test/v1</code>" in response.text
