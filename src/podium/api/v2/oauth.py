"""The token endpoint's wire (POST /oauth/token): the client pair from HTTP Basic, the
grant from the form body or the query string, and the answer Zoom gives."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from podium.api.call import Json
from podium.errors import InvalidAccountId, InvalidClient, UnsupportedGrantType
from podium.services.oauth import SCOPES, Grant

GRANT_TYPE = "account_credentials"


@dataclass(frozen=True)
class TokenRequest:
    client_id: str
    client_secret: str
    account_id: str


def read_token_request(
    authorization: str | None, params: Iterable[tuple[str, str]]
) -> TokenRequest:
    """`params`: query string then form body (the body wins)."""
    values = dict(params)
    if values.get("grant_type") != GRANT_TYPE:
        raise UnsupportedGrantType
    scheme, _, encoded = (authorization or "").partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        decoded = ""
    client_id, colon, client_secret = decoded.partition(":")
    if scheme.lower() != "basic" or not colon or not client_id or not client_secret:
        raise InvalidClient
    account_id = values.get("account_id", "")
    if not account_id.strip():
        raise InvalidAccountId(account_id="")
    return TokenRequest(client_id, client_secret, account_id)


def token_answer(token: str, grant: Grant, now: datetime, api_url: str) -> Json:
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": int((grant.expires_at - now).total_seconds()),
        "scope": SCOPES,
        "api_url": api_url,
    }
