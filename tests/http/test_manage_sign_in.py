"""Signing in to the dashboard: the form, argon2 hashes, server-side sessions (idle and
absolute expiry on the server clock, revocation), cookie flags, CSRF, throttling."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import DashboardSession, User
from podium.services import sign_in
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.runtime import Runtime
from tests.conftest import NOW
from tests.http.manage_helpers import PASSWORD, browser, csrf_of, sign_in_as
from tests.http.page_helpers import Tree


def test_the_sign_in_page_has_labelled_email_and_password_fields(person: TestClient) -> None:
    answer = person.get("/manage/login")

    tree = Tree(answer.text)
    assert answer.status_code == 200
    labels = {n.attrs["for"]: n.content() for n in tree.tags("label")}
    assert labels == {"f-email": "Email", "f-password": "Password"}
    assert tree.find(id="f-password")[0].attrs["type"] == "password"
    assert answer.headers["cache-control"] == "no-store"


def test_a_person_not_signed_in_is_sent_to_the_sign_in_page(person: TestClient) -> None:
    answer = person.get("/manage/webinars?when=past")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/manage/login?next=%2Fmanage%2Fwebinars%3Fwhen%3Dpast"


def test_signing_in_opens_a_server_side_session_with_a_safe_cookie(
    person: TestClient, owner: User, session: Session
) -> None:
    answer = sign_in_as(person, "HOST@acme.test", next="/manage/account")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/manage/account"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("podium_manage=")
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/manage" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    [row] = session.execute(select(DashboardSession)).scalars()
    assert row.digest == sign_in.digest(token)  # only the token's digest is kept
    assert (row.user_id, row.created_at, row.expires_at) == (
        owner.id,
        NOW,
        NOW + timedelta(hours=12),
    )
    assert row.revoked_at is None
    assert owner.password_hash is not None
    assert owner.password_hash.startswith("$argon2id$")


@pytest.mark.usefixtures("owner")
def test_a_next_page_elsewhere_is_ignored(person: TestClient) -> None:
    answer = sign_in_as(person, "host@acme.test", next="https://evil.test/manage")

    assert answer.headers["location"] == "/manage/webinars"


@pytest.mark.usefixtures("owner")
def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    person: TestClient, session: Session
) -> None:
    wrong = sign_in_as(person, "host@acme.test", "not the password")
    unknown = sign_in_as(person, "nobody@acme.test", PASSWORD)

    for answer in (wrong, unknown):
        assert answer.status_code == 400
        assert Tree(answer.text).text(id="login-error") == "The email or the password is wrong."
        assert (
            "set-cookie" not in answer.headers
            or "podium_manage" not in answer.headers["set-cookie"]
        )
    assert session.execute(select(DashboardSession)).all() == []


@pytest.mark.usefixtures("owner")
def test_sign_in_without_the_forms_csrf_field_is_refused(
    person: TestClient, session: Session
) -> None:
    person.get("/manage/login")
    answer = person.post("/manage/login", data={"email": "host@acme.test", "password": PASSWORD})

    tree = Tree(answer.text)
    assert answer.status_code == 403
    assert tree.text(id="error-title") == "This form expired"
    assert session.execute(select(DashboardSession)).all() == []


@pytest.mark.usefixtures("owner")
def test_sign_in_is_throttled_per_account_after_five_failures(
    person: TestClient, session: Session
) -> None:
    for _ in range(5):
        assert sign_in_as(person, "host@acme.test", "wrong password!").status_code == 400

    answer = sign_in_as(person, "host@acme.test", PASSWORD)  # even the right one now

    assert answer.status_code == 429
    assert answer.headers["retry-after"] == "900"
    assert Tree(answer.text).text(id="error-title") == "Too many attempts"
    assert session.execute(select(DashboardSession)).all() == []


@pytest.mark.usefixtures("owner")
def test_sign_in_is_throttled_per_address_across_emails(person: TestClient) -> None:
    for number in range(20):
        assert sign_in_as(person, f"guess{number}@acme.test", "wrong password!").status_code == 400

    assert sign_in_as(person, "host@acme.test", PASSWORD).status_code == 429


def test_a_session_ends_after_two_idle_hours_on_the_server_clock(
    signed: TestClient, clock: FixedClock
) -> None:
    clock.advance(minutes=119)
    assert signed.get("/manage/account").status_code == 200  # and it is seen again now
    clock.advance(minutes=119)
    assert signed.get("/manage/account").status_code == 200
    clock.advance(minutes=120)

    assert signed.get("/manage/account").status_code == 303


def test_a_session_ends_twelve_hours_after_sign_in_even_when_used(
    signed: TestClient, clock: FixedClock
) -> None:
    for _ in range(11):
        clock.advance(hours=1)
        assert signed.get("/manage/account").status_code == 200
    clock.advance(minutes=59)
    assert signed.get("/manage/account").status_code == 200
    clock.advance(minutes=1)

    assert signed.get("/manage/account").headers["location"].startswith("/manage/login")


def test_signing_out_revokes_the_session(signed: TestClient, session: Session) -> None:
    page = signed.get("/manage/account")
    answer = signed.post("/manage/logout", data={"csrf_token": csrf_of(page.text)})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/manage/login?done=signed_out"
    [row] = session.execute(select(DashboardSession)).scalars()
    assert row.revoked_at == NOW
    assert signed.get("/manage/account").status_code == 303


def test_signing_out_needs_the_csrf_field(signed: TestClient, session: Session) -> None:
    answer = signed.post("/manage/logout", data={"csrf_token": "forged"})

    assert answer.status_code == 403
    assert Tree(answer.text).text(id="error-title") == "This form expired"
    [row] = session.execute(select(DashboardSession)).scalars()
    assert row.revoked_at is None


def test_signing_out_everywhere_ends_every_session_of_that_host(
    settings: Settings, runtime: Runtime, signed: TestClient, session: Session
) -> None:
    with browser(settings, runtime) as phone:
        assert sign_in_as(phone, "host@acme.test").status_code == 303
        page = signed.get("/manage/account")
        signed.post("/manage/logout-everywhere", data={"csrf_token": csrf_of(page.text)})

        assert phone.get("/manage/account").status_code == 303
    assert signed.get("/manage/account").status_code == 303
    rows = session.execute(select(DashboardSession.revoked_at)).scalars().all()
    assert rows == [NOW, NOW]


def test_a_form_posted_from_another_site_is_refused(signed: TestClient) -> None:
    page = signed.get("/manage/account")
    answer = signed.post(
        "/manage/logout",
        data={"csrf_token": csrf_of(page.text)},
        headers={"Origin": "https://evil.test"},
    )

    assert answer.status_code == 403


@pytest.mark.usefixtures("owner")
def test_the_cookie_is_not_secure_when_the_public_url_is_http(
    settings: Settings, runtime: Runtime
) -> None:
    plain = replace(settings, public_url="http://podium.test")
    runtime.settings = plain
    with TestClient(
        create_app(plain, runtime), base_url="http://podium.test", follow_redirects=False
    ) as client:
        answer = sign_in_as(client, "host@acme.test")

    assert answer.status_code == 303
    assert "Secure" not in answer.headers["set-cookie"]
    assert "HttpOnly" in answer.headers["set-cookie"]
