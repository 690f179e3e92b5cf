"""The dashboard as a person uses it: a browser-like client on the public https URL (its
cookies are Secure), signing in through the form, and each page's CSRF field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import User
from podium.services import accounts, sign_in
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.runtime import Runtime
from tests.conftest import NOW, PUBLIC_URL, AccountKeys

FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    found = FIELD.search(html)
    assert found is not None, html
    return found.group(1)


def set_password(session: Session, email: str, password: str = PASSWORD) -> User:
    [user] = sign_in.users_by_email(session, email)
    sign_in.set_password(session, user, password, now=NOW)
    session.flush()
    return user


def add_host(
    session: Session,
    runtime: Runtime,
    account: AccountKeys,
    email: str = "second@acme.test",
    *,
    has_webinar: bool = True,
) -> User:
    """Another user of the account (not its owner), with a password to sign in with."""
    user = accounts.add_user(
        session,
        account.account_id,
        email=email,
        has_webinar=has_webinar,
        ids=runtime.context.issuer.ids,
        now=NOW,
    )
    set_password(session, email)
    return user


@contextmanager
def second_host(
    settings: Settings, runtime: Runtime, session: Session, account: AccountKeys
) -> Iterator[tuple[User, TestClient]]:
    """Another host of the account (add_host), signed in in a browser of their own."""
    user = add_host(session, runtime, account)
    with browser(settings, runtime) as client:
        answer = sign_in_as(client, user.email)
        assert answer.status_code == 303, answer.text
        yield user, client


def browser(settings: Settings, runtime: Runtime) -> TestClient:
    return TestClient(
        create_app(settings, runtime),
        base_url=PUBLIC_URL,
        raise_server_exceptions=False,
        follow_redirects=False,
    )


def sign_in_as(client: TestClient, email: str, password: str = PASSWORD, **extra: str) -> Any:
    form = client.get("/manage/login")
    assert form.status_code == 200, form.text
    return client.post(
        "/manage/login",
        data={"csrf_token": csrf_of(form.text), "email": email, "password": password, **extra},
    )


def post_form(client: TestClient, page: str, action: str, data: dict[str, Any]) -> Any:
    """Read `page` for its CSRF field, then post `data` to `action` (like its form does)."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    return client.post(action, data={"csrf_token": csrf_of(shown.text), **data})


@pytest.fixture
def owner(session: Session, account: AccountKeys) -> User:  # noqa: ARG001 - made first
    return set_password(session, "host@acme.test")


@pytest.fixture
def person(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    """A browser with nobody signed in yet."""
    with browser(settings, runtime) as client:
        yield client


@pytest.fixture
def signed(person: TestClient, owner: User) -> TestClient:  # noqa: ARG001 - a password
    """The account's owner, signed in."""
    answer = sign_in_as(person, "host@acme.test")
    assert answer.status_code == 303, answer.text
    return person
