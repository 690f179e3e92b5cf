"""Accounts, their host users and API credentials; authentication of v1 calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from podium.db.models import Account, ApiCredential, InstanceSecret, User
from podium.errors import InvalidCredentials, KeyInUse, NotFound, UserNotExist, WebinarNotEnabled
from podium.events import KeysRevoked
from podium.ids import Ids
from podium.services.events import record
from podium.services.tokens import hash_api_secret, secret_matches
from podium.text import has_control

INSTANCE_KEY = "hmac-key"
# Compared against when the api_key is unknown, so both failures cost the same.
_DECOY_HASH = bytes(32)


@dataclass(frozen=True)
class KeyPair:
    api_key: str
    api_secret: str


@dataclass(frozen=True)
class NewAccount:
    account_id: int
    api_key: str
    api_secret: str
    host_id: str


def instance_key(session: Session, ids: Ids) -> bytes:
    """The deployment's HMAC key, created on first use."""
    secret = session.get(InstanceSecret, INSTANCE_KEY)
    if secret is None:
        secret = InstanceSecret(name=INSTANCE_KEY, value=ids.secret_key())
        session.add(secret)
        session.flush()
    return secret.value


def _issue_key(
    session: Session,
    account_id: int,
    *,
    key: bytes,
    ids: Ids,
    now: datetime,
    pair: KeyPair | None = None,
) -> KeyPair:
    """A key pair for the account: new random values, or `pair` (a sandbox's fixed ones)."""
    if (
        pair is not None
        and session.execute(
            select(ApiCredential.id).where(ApiCredential.api_key == pair.api_key)
        ).first()
    ):
        raise KeyInUse(api_key=pair.api_key)
    pair = pair or KeyPair(api_key=ids.api_key(), api_secret=ids.api_secret())
    session.add(
        ApiCredential(
            account_id=account_id,
            api_key=pair.api_key,
            secret_hash=hash_api_secret(key, pair.api_secret),
            created_at=now,
        )
    )
    return pair


def create_account(
    session: Session,
    *,
    name: str,
    host_email: str,
    key: bytes,
    ids: Ids,
    now: datetime,
    pair: KeyPair | None = None,
) -> NewAccount:
    """An account with its first webinar-enabled host and an API key pair."""
    account = Account(name=name, capacity=100, created_at=now)
    session.add(account)
    session.flush()
    host = add_user(session, account.id, email=host_email, has_webinar=True, ids=ids, now=now)
    pair = _issue_key(session, account.id, key=key, ids=ids, now=now, pair=pair)
    session.flush()
    return NewAccount(account.id, pair.api_key, pair.api_secret, host.host_id)


def get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(what="account", key=account_id)
    return account


def add_user(
    session: Session, account_id: int, *, email: str, has_webinar: bool, ids: Ids, now: datetime
) -> User:
    get_account(session, account_id)
    user = User(
        account_id=account_id,
        host_id=ids.host_id(),
        email=email,
        has_webinar=has_webinar,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def rotate_key(
    session: Session, account_id: int, *, key: bytes, ids: Ids, now: datetime
) -> KeyPair:
    """A new key pair for the account; every earlier pair stops working at once."""
    get_account(session, account_id)
    session.execute(
        update(ApiCredential)
        .where(ApiCredential.account_id == account_id, ApiCredential.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    pair = _issue_key(session, account_id, key=key, ids=ids, now=now)
    session.flush()
    record(session, KeysRevoked(account_id=account_id, at=now))
    return pair


@cache
def _credential_query() -> Select[int, int, bytes]:
    return select(ApiCredential.id, ApiCredential.account_id, ApiCredential.secret_hash).where(
        ApiCredential.api_key == bindparam("api_key"), ApiCredential.revoked_at.is_(None)
    )


@cache
def _host_query() -> Select[int, int, str, str, bool]:
    return select(User.id, User.account_id, User.host_id, User.email, User.has_webinar).where(
        User.host_id == bindparam("host_id"), User.account_id == bindparam("account_id")
    )


@dataclass(frozen=True)
class Host:
    """A webinar-enabled user of the caller's account (what the v1 `host_id` names)."""

    id: int
    account_id: int
    host_id: str
    email: str


def authenticate(session: Session, api_key: str, api_secret: str, *, key: bytes) -> int:
    """The account id behind a key pair; unknown key and wrong secret look the same.

    On every v1 call: one prebuilt Core statement on the session's connection (the ORM
    would cost several times more here). A key with control characters cannot exist (and
    PostgreSQL refuses NUL in a query): it is looked up as no key at all.
    """
    return check_key_pair(session, api_key, api_secret, key=key)[1]


def check_key_pair(
    session: Session, api_key: str, api_secret: str, *, key: bytes
) -> tuple[int, int]:
    """(credential id, account id) of a live key pair (InvalidCredentials otherwise): the
    v1 API's authentication and the v2 token endpoint's client check."""
    row = None
    if not has_control(api_key):
        row = session.connection().execute(_credential_query(), {"api_key": api_key}).first()
    stored = row.secret_hash if row is not None else _DECOY_HASH
    if not secret_matches(key, api_secret, stored) or row is None:
        raise InvalidCredentials
    return int(row.id), int(row.account_id)


def find_host(session: Session, account_id: int, host_id: str) -> Host:
    """A webinar-enabled user of the account; another account's user does not exist."""
    row = (
        session.connection()
        .execute(_host_query(), {"host_id": host_id, "account_id": account_id})
        .first()
    )
    if row is None:
        raise UserNotExist(host_id=host_id)
    if not row.has_webinar:
        raise WebinarNotEnabled(host_id=host_id)
    return Host(row.id, row.account_id, row.host_id, row.email)


def find_user(session: Session, account_id: int, user: str) -> Host:
    """A v2 `userId`: `me` (the account's owner, its first user), a user's id or e-mail;
    another account's user does not exist (1001)."""
    query = select(User.host_id).where(User.account_id == account_id)
    if user == "me":
        query = query.order_by(User.id).limit(1)
    elif "@" in user:
        query = query.where(func.lower(User.email) == user.lower())
    else:
        query = query.where(User.host_id == user)
    host_id = None if has_control(user) else session.execute(query).scalar()
    if host_id is None:
        raise UserNotExist(host_id=user[:64])
    return find_host(session, account_id, host_id)


def set_capacity(session: Session, account_id: int, capacity: int) -> Account:
    account = get_account(session, account_id)
    account.capacity = capacity
    session.flush()
    return account


def list_users(session: Session, account_id: int) -> list[User]:
    return list(
        session.execute(
            select(User).where(User.account_id == account_id).order_by(User.id)
        ).scalars()
    )
