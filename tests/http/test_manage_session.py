"""session_viewer: the dashboard session behind a request as a Viewer, for the report pages
and the CSV exports (the owner sees the account, another host their own webinars)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.testclient import TestClient

from podium.settings import Settings
from podium.web.manage_session import session_viewer
from podium.web.runtime import Runtime
from podium.web.viewer import Viewer
from tests.conftest import AccountKeys
from tests.http.manage_helpers import browser, second_host
from tests.mail_sink import run_async


def viewer_of(runtime: Runtime, client: TestClient) -> Viewer | None:
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {
        "type": "http",
        "headers": [(b"cookie", cookie.encode())],
        "method": "GET",
        "path": "/",
        "query_string": b"",
    }
    return run_async(lambda: session_viewer(runtime, Request(scope)))


def test_the_owner_another_host_and_nobody(
    settings: Settings,
    runtime: Runtime,
    signed: TestClient,
    session: Session,
    account: AccountKeys,
) -> None:
    owner = viewer_of(runtime, signed)
    with second_host(settings, runtime, session, account) as (second, other):
        host = viewer_of(runtime, other)

    assert owner is not None
    assert (owner.account_id, owner.is_owner) == (account.account_id, True)
    assert host == Viewer(account.account_id, second.id, is_owner=False)
    with browser(settings, runtime) as nobody:
        assert viewer_of(runtime, nobody) is None
