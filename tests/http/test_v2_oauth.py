"""POST /oauth/token (Server-to-Server OAuth) and the bearer check of every /v2 call."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import OAuthToken
from podium.services import accounts
from podium.services.oauth import SCOPES, token_digest
from podium.web.runtime import Runtime
from podium.web.v2_access import GUESSES, TokenCache
from tests.conftest import NOW, PUBLIC_URL, AccountKeys
from tests.http.test_statement_counts import counting
from tests.http.v2_helpers import V2, basic, error, token_for, webinar_body

GRANT = {"grant_type": "account_credentials"}


def ask_token(client: TestClient, account: AccountKeys, **form: str) -> tuple[int, object]:
    data = {**GRANT, "account_id": str(account.account_id), **form}
    response = client.post(
        "/oauth/token", data=data, headers=basic(account.api_key, account.api_secret)
    )
    return response.status_code, response.json()


def stored_tokens(session: Session) -> list[OAuthToken]:
    session.expire_all()
    return list(session.execute(select(OAuthToken).order_by(OAuthToken.id)).scalars())


def test_token_is_issued_and_stored_only_as_a_keyed_digest(
    client: TestClient, account: AccountKeys, session: Session, runtime: Runtime
) -> None:
    response = client.post(
        "/oauth/token",
        data={**GRANT, "account_id": str(account.account_id)},
        headers=basic(account.api_key, account.api_secret),
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    token = body.pop("access_token")
    assert body == {
        "token_type": "bearer",
        "expires_in": 3600,
        "scope": SCOPES,
        "api_url": PUBLIC_URL,
    }
    assert len(token) == 43  # 256 random bits, URL-safe base64
    [row] = stored_tokens(session)
    assert row.digest == token_digest(runtime.context.issuer.key, token)
    assert (row.account_id, row.issued_at, row.expires_at) == (
        account.account_id,
        NOW,
        NOW + timedelta(hours=1),
    )
    assert token not in {str(value) for value in vars(row).values()}


def test_token_request_in_the_query_string_as_zoom_python_client_sends_it(
    client: TestClient, account: AccountKeys
) -> None:
    response = client.post(
        "/oauth/token",
        params={**GRANT, "account_id": str(account.account_id)},
        headers={**basic(account.api_key, account.api_secret), "Content-Type": "application/json"},
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


def test_token_refusals_are_zoom_token_errors_and_write_nothing(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    wrong_secret = client.post(
        "/oauth/token",
        data={**GRANT, "account_id": str(account.account_id)},
        headers=basic(account.api_key, "not-the-secret"),
    )
    no_basic = client.post("/oauth/token", data={**GRANT, "account_id": "1"})

    assert (wrong_secret.status_code, wrong_secret.json()) == (
        400,
        {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
    )
    assert (no_basic.status_code, no_basic.json()) == (
        400,
        {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
    )
    assert ask_token(client, account, grant_type="client_credentials") == (
        400,
        {"reason": "unsupported grant type", "error": "unsupported_grant_type"},
    )
    assert ask_token(client, account, account_id="999999") == (
        400,
        {"reason": "Invalid account_id: 999999", "error": "invalid_request"},
    )
    assert ask_token(client, account, account_id="") == (
        400,
        {"reason": "Invalid account_id: ", "error": "invalid_request"},
    )
    assert stored_tokens(session) == []


def test_token_endpoint_takes_only_post(client: TestClient) -> None:
    response = client.get("/oauth/token")

    assert (response.status_code, response.json()) == (
        405,
        {"code": 405, "message": "Method GET is not allowed here."},
    )
    assert response.headers["allow"] == "POST"


def test_calls_without_a_usable_token_get_401_code_124(client: TestClient, v2: V2) -> None:
    missing = client.get("/v2/users/me/webinars")
    unknown = client.get("/v2/users/me/webinars", headers={"Authorization": "Bearer None"})
    in_query = client.get(
        "/v2/users/me/webinars",
        params={"access_token": v2.token},
        headers={"Authorization": f"Bearer {v2.token}"},
    )

    assert (missing.status_code, missing.json()) == (401, error(124, "Invalid access token."))
    assert missing.headers["www-authenticate"] == 'Bearer realm="podium"'
    assert (unknown.status_code, unknown.json()) == (401, error(124, "Invalid access token."))
    assert (in_query.status_code, in_query.json()) == (
        401,
        error(
            124,
            "Invalid access token, this access token is not supported as query parameter string.",
        ),
    )


def test_token_expires_after_an_hour_on_the_server_clock(v2: V2, clock: FixedClock) -> None:
    clock.advance(seconds=3599)
    still = v2.get("/users/me/webinars")
    clock.advance(seconds=1)
    expired = v2.get("/users/me/webinars")

    assert still.status_code == 200
    assert (expired.status_code, expired.json()) == (401, error(124, "Access token is expired."))


def test_rotating_the_key_pair_kills_its_tokens_here_and_in_other_processes(
    v2: V2, account: AccountKeys, runtime: Runtime
) -> None:
    assert v2.get("/users/me/webinars").status_code == 200
    other_process = TokenCache(runtime)  # a cache that never heard of the rotation
    assert other_process.grant(v2.token, NOW) is not None
    context = runtime.context

    runtime.run(
        lambda session: accounts.rotate_key(
            session, account.account_id, key=context.issuer.key, ids=context.issuer.ids, now=NOW
        ),
        writes=True,
    )

    after = v2.get("/users/me/webinars")
    assert (after.status_code, after.json()) == (401, error(124, "Invalid access token."))
    other_process.forget()  # what its revalidation (REVALIDATE_SECONDS) comes to
    assert other_process.grant(v2.token, NOW) is None


def test_another_accounts_token_meets_webinars_that_never_existed(v2: V2, other_v2: V2) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    theirs = other_v2.get(f"/webinars/{webinar_id}")
    never = other_v2.get("/webinars/1234567890")

    assert (theirs.status_code, theirs.json()) == (
        404,
        error(3001, f"Webinar does not exist: {webinar_id}."),
    )
    assert (never.status_code, never.json()) == (
        404,
        error(3001, "Webinar does not exist: 1234567890."),
    )


def test_guessing_tokens_is_throttled_per_address(client: TestClient, v2: V2) -> None:
    for guess in range(GUESSES.amount):
        wrong = client.get("/v2/users/me/webinars", headers={"Authorization": f"Bearer g{guess}"})
        assert wrong.status_code == 401

    throttled = v2.get("/users/me/webinars")  # even a good token waits now

    assert (throttled.status_code, throttled.json()) == (
        429,
        error(429, "Too many invalid credentials from this address. Try again later."),
    )
    assert 1 <= int(throttled.headers["retry-after"]) <= 60


def test_a_token_costs_no_statement_after_its_first_use(
    v2: V2, connection: Connection, session: Session
) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]
    v2.client.app.state.v2.forget_tokens()  # type: ignore[attr-defined]

    with counting(connection) as first:
        v2.get(f"/webinars/{webinar_id}")
    with counting(connection) as second:
        v2.get(f"/webinars/{webinar_id}")

    assert [s for s in first if "oauth_tokens" in s] != []
    assert [s for s in second if "oauth_tokens" in s] == []
    assert len(second) == len(first) - 1
    assert session.execute(select(func.count()).select_from(OAuthToken)).scalar_one() == 1


def test_token_issued_for_the_pair_in_use(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    first, second = token_for(client, account), token_for(client, account)

    assert first != second
    assert [row.account_id for row in stored_tokens(session)] == [account.account_id] * 2
