"""Server-to-Server OAuth (the v2 dialect's credentials): an account's API key pair is its
S2S app (client_id = api_key, client_secret = api_secret), and buys access tokens.

A token carries 256 random bits and is stored only as HMAC-SHA-256 under the instance key,
so the database alone holds no usable token. It lets its account in until it expires on the
server clock (one hour; the sandbox's virtual clock moves it), and dies with the key pair
that obtained it: rotation revokes the pair, and a token is found only through a live pair.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from podium.db.models import ApiCredential, OAuthToken
from podium.db.plain import PlainQuery
from podium.errors import InvalidAccountId, InvalidClient, InvalidCredentials
from podium.ids import Ids
from podium.services.accounts import check_key_pair

LIFETIME = timedelta(hours=1)
SCOPES = "webinar:read:admin webinar:write:admin report:read:admin"


@dataclass(frozen=True)
class Grant:
    """What a token lets in: an account, through one key pair, until `expires_at`."""

    account_id: int
    credential_id: int
    api_key: str
    expires_at: datetime


def token_digest(key: bytes, token: str) -> bytes:
    """How a token is stored and looked up."""
    return hmac.new(key, b"oauth-token:" + token.encode("utf-8"), hashlib.sha256).digest()


def issue_token(
    session: Session,
    *,
    client_id: str,
    client_secret: str,
    account_id: str,
    key: bytes,
    ids: Ids,
    now: datetime,
) -> tuple[str, Grant]:
    """A new access token for the key pair (InvalidClient when it is not a live pair; an
    `account_id` that is not the pair's account is InvalidAccountId). The pair's expired
    tokens go at the same time."""
    try:
        credential_id, owner = check_key_pair(session, client_id, client_secret, key=key)
    except InvalidCredentials:
        raise InvalidClient from None
    if account_id.strip() != str(owner):
        raise InvalidAccountId(account_id=account_id.strip()[:40])
    session.execute(
        delete(OAuthToken).where(
            OAuthToken.credential_id == credential_id, OAuthToken.expires_at <= now
        )
    )
    token = ids.api_secret()  # 256 random bits
    grant = Grant(owner, credential_id, client_id, now + LIFETIME)
    session.execute(
        insert(OAuthToken).values(
            digest=token_digest(key, token),
            credential_id=credential_id,
            account_id=owner,
            issued_at=now,
            expires_at=grant.expires_at,
        )
    )
    return token, grant


@cache
def _grant_query() -> PlainQuery:
    tokens = cast("Table", OAuthToken.__table__)
    credentials = cast("Table", ApiCredential.__table__)
    return PlainQuery(
        select(
            tokens.c.account_id,
            tokens.c.credential_id,
            credentials.c.api_key,
            tokens.c.expires_at,
        )
        .join(credentials, credentials.c.id == tokens.c.credential_id)
        .where(tokens.c.digest == bindparam("digest"), credentials.c.revoked_at.is_(None))
    )


def find_grant(connection: Connection, digest: bytes) -> Grant | None:
    """The grant of a stored token whose key pair is live (expired or not), else None."""
    row: Any = _grant_query().first(connection, {"digest": digest})
    if row is None:
        return None
    return Grant(row.account_id, row.credential_id, row.api_key, row.expires_at)
