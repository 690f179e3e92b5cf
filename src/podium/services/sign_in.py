"""The dashboard's sign-in rules: host passwords (argon2id) and server-side sessions.

A session ends at the first of: `ABSOLUTE` after it opened, `IDLE` without a request, its
revocation (sign-out; sign-out everywhere and a password change revoke all of the user's).
The cookie carries a random token; the table keeps only its SHA-256 (a 256-bit random token
needs no key: nothing to guess, and no instance-key rotation to survive).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from podium.db.models import DashboardSession, User
from podium.errors import InvalidParameter

if TYPE_CHECKING:
    from argon2 import PasswordHasher

IDLE = timedelta(hours=2)
ABSOLUTE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
MIN_PASSWORD = 10
MAX_PASSWORD = 200


@cache
def hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) parameters


@cache
def _decoy_hash() -> str:
    """Verified against when the e-mail has no password: unknown and wrong cost the same."""
    return hasher().hash(secrets.token_urlsafe(16))


def check_new_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidParameter(
            name="password",
            reason=f"Use between {MIN_PASSWORD} and {MAX_PASSWORD} characters.",
        )
    return password


def generate_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, 120 bits


def set_password(session: Session, user: User, password: str, *, now: datetime) -> None:
    """A new password for the user; every session of theirs ends."""
    user.password_hash = hasher().hash(check_new_password(password))
    revoke_all(session, user.id, now=now)
    session.flush()


def users_by_email(session: Session, email: str) -> list[User]:
    return list(
        session.execute(
            select(User).where(func.lower(User.email) == email.strip().lower()).order_by(User.id)
        ).scalars()
    )


def check_password(session: Session, email: str, password: str) -> User | None:
    """The user this e-mail and password sign in, or None (unknown e-mail, no password set
    and a wrong password take the same time)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    candidates: list[User | None] = [u for u in users_by_email(session, email) if u.password_hash]
    for user in candidates or [None]:
        stored = user.password_hash if user is not None else _decoy_hash()
        try:
            hasher().verify(stored or _decoy_hash(), password)
        except (VerificationError, InvalidHashError):
            continue
        if user is not None:
            if hasher().check_needs_rehash(stored or ""):
                user.password_hash = hasher().hash(password)
            return user
    return None


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class SignedIn:
    """A live session, as a request sees it."""

    session_id: int
    user_id: int
    account_id: int
    email: str
    timezone: str
    is_owner: bool
    csrf_token: str
    stale: bool  # last_seen_at should be written again


def open_session(session: Session, user: User, *, now: datetime) -> str:
    """A new session for the user; the cookie's token (shown once, kept as its digest)."""
    token = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            digest=digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE,
        )
    )
    session.flush()
    return token


def owner_id(session: Session, account_id: int) -> int | None:
    """The account's owner: its first host (lowest users.id)."""
    return session.execute(
        select(func.min(User.id)).where(User.account_id == account_id)
    ).scalar_one_or_none()


def find_session(session: Session, token: str, *, now: datetime) -> SignedIn | None:
    """The live session of this cookie token, or None (unknown, revoked, expired, idle)."""
    if not token or len(token) > 100:
        return None
    row = session.execute(
        select(DashboardSession, User)
        .join(User, User.id == DashboardSession.user_id)
        .where(DashboardSession.digest == digest(token))
    ).first()
    if row is None:
        return None
    found, user = row
    if found.revoked_at is not None or now >= found.expires_at or now >= found.last_seen_at + IDLE:
        return None
    return SignedIn(
        session_id=found.id,
        user_id=user.id,
        account_id=user.account_id,
        email=user.email,
        timezone=user.timezone,
        is_owner=owner_id(session, user.account_id) == user.id,
        csrf_token=found.csrf_token,
        stale=now - found.last_seen_at >= TOUCH_EVERY,
    )


def touch(session: Session, session_id: int, *, now: datetime) -> None:
    session.execute(
        update(DashboardSession).where(DashboardSession.id == session_id).values(last_seen_at=now)
    )


def revoke(session: Session, session_id: int, *, now: datetime) -> None:
    session.execute(
        update(DashboardSession)
        .where(DashboardSession.id == session_id, DashboardSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all(session: Session, user_id: int, *, now: datetime) -> int:
    """Every live session of the user ends now; how many there were."""
    result = session.execute(
        update(DashboardSession)
        .where(DashboardSession.user_id == user_id, DashboardSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
