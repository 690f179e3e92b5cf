"""Security of the public pages: a Content-Security-Policy without 'unsafe-inline' on every
page (and so no inline script or style in any), `Referrer-Policy: no-referrer` and no caching
on every page that carries a token, personal links on no page but their owner's (and the
host's), and no token in the logs or the request journal. (GET changing nothing, and the
throttling of addresses that keep guessing: tests/http/test_public_pages.py.)"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.web.public.security import CONTENT_SECURITY_POLICY
from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.http.live_helpers import attendee, run_session
from tests.http.page_helpers import Tree, page
from tests.http.test_live import act
from tests.http.test_public_pages import PRIVATE, arranged, local

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def every_page(client: TestClient, account: AccountKeys, session: Session) -> dict[str, str]:
    """A path for every kind of public page, the ended console and its report included."""
    pages = arranged(client, account)
    ended = v1(client, "webinar/create", account.host_params(topic="Ended", approval_type=0))
    run_session(session, ended["id"], start=0, end=10, joins=[])
    start_url = v1(client, "webinar/get", account.host_params(id=ended["id"]))["start_url"]
    return pages | {
        "report": local(start_url).replace("?zak=", "/report?zak="),
        "closed": f"/webinar/register/{ended['id']}",
        "calendar": pages["personal"].replace("?tk=", "/calendar.ics?tk="),
        "not found": "/webinar/register/1234567890",
        "refused": pages["personal"] + "x",
        "no page": "/nowhere",
    }


def test_every_page_has_a_strict_content_security_policy_and_nothing_inline(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    pages = every_page(client, account, session)

    answers = {name: client.get(path) for name, path in pages.items()}

    assert CONTENT_SECURITY_POLICY == CSP
    for name, response in answers.items():
        assert response.headers["content-security-policy"] == CSP, name
        assert "unsafe-inline" not in response.headers["content-security-policy"], name
        assert response.headers["x-content-type-options"] == "nosniff", name
        if not response.headers["content-type"].startswith("text/html"):
            continue
        tree = Tree(response.text)
        scripts = [node.attrs for node in tree.tags("script")]
        assert all("src" in s or s.get("type") == "application/json" for s in scripts), name
        assert tree.tags("style") == [], name
        inline = [
            n.attrs
            for n in tree.nodes
            if "style" in n.attrs or any(a.startswith("on") for a in n.attrs)
        ]
        assert inline == [], name
        sources = [
            n.attrs.get("src", n.attrs.get("href", ""))
            for n in tree.tags("script") + tree.tags("link")
        ]
        assert all(src.startswith("/static/") for src in sources if src), name  # no CDN


def test_every_page_carrying_a_token_is_private(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    pages = every_page(client, account, session)
    created = v1(client, "webinar/create", account.host_params(topic="New", approval_type=0))
    _, csrf = page(client, f"/webinar/register/{created['id']}")

    confirmation = client.post(
        f"/webinar/register/{created['id']}",
        data={"csrf": csrf, "first_name": "A", "last_name": "B", "email": "new@x.test"},
    )
    answers = {
        name: client.get(pages[name])
        for name in ("console", "personal", "cancel", "panelist", "report", "calendar", "refused")
    } | {"confirmation": confirmation}

    for name, response in answers.items():
        assert {k: response.headers.get(k) for k in PRIVATE} == PRIVATE, name
    assert client.get(pages["register"]).headers["referrer-policy"] == "same-origin"


def test_a_personal_link_is_on_no_page_but_its_owners(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    pages = every_page(client, account, session)
    token = parse_qs(urlsplit(pages["personal"]).query)["tk"][0]
    others = ("register", "join", "index", "closed", "report", "console")

    shown = {name: token in client.get(pages[name]).text for name in (*others, "personal")}

    assert shown == dict.fromkeys(others, False) | {"personal": False}  # not even as text
    room = client.get(pages["personal"]).text
    assert 'data-pass="' in room  # the room holds its own pass, not the link


def test_no_token_reaches_the_log_or_the_journal(
    admin: TestClient, account: AccountKeys, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = v1(
        admin,
        "webinar/create",
        account.host_params(
            topic="Logs", approval_type=0, panelists='[{"name": "P", "email": "p@x.test"}]'
        ),
    )
    webinar_id = created["id"]
    joined = v1(
        admin,
        "webinar/register",
        account.credentials(id=webinar_id, email="a@x.test", first_name="A", last_name="B"),
    )
    start_url = v1(admin, "webinar/get", account.host_params(id=webinar_id))["start_url"]
    tokens = {
        "tk": parse_qs(urlsplit(joined["join_url"]).query)["tk"][0],
        "zak": parse_qs(urlsplit(start_url).query)["zak"][0],
    }
    console = admin.get(local(start_url)).text
    tokens["pass"] = console.split('data-pass="', 1)[1].split('"', 1)[0]
    for path in (
        local(joined["join_url"]),
        local(joined["join_url"]).replace("?tk=", "/calendar.ics?tk="),
        local(joined["join_url"]).replace("?tk=", "/cancel?tk="),
        local(start_url).replace("?zak=", "/report?zak="),
        local(joined["join_url"]) + "-forged",
    ):
        admin.get(path)
    act(admin, webinar_id, tokens["pass"], "start", {"early": True})
    act(admin, webinar_id, tokens["pass"] + "x", "end")
    run_session(session, webinar_id, start=0, end=1, joins=[(attendee(session, "a@x.test"), 0, 1)])

    journal: Any = admin.get("/podium/api/journal").json()

    server_log = "\n".join(  # the test client's own log (httpx2) is the visitor's, not ours
        record.getMessage() for record in caplog.records if not record.name.startswith("httpx")
    )
    logged = server_log + json.dumps(journal)
    assert [call["action"] for call in journal["calls"]][:3] == [
        "webinar/create",
        "webinar/register",
        "webinar/get",
    ]
    assert {name: value in logged for name, value in tokens.items()} == dict.fromkeys(tokens, False)
