"""Webhook subscriptions: an account's endpoints, the events each wants, its secret token
(kept encrypted), and the outcome of its URL validations.

Zoom's rule (../shared/docs/webhooks-contract.md §3): an endpoint is saved only once it
answered the `endpoint.url_validation` challenge, and is validated again every 72 hours; one
that fails stops receiving events until it validates again. Up to 20 per account.

The secret token is the HMAC key of every signature, so it cannot be stored as a hash: it is
encrypted with AES-GCM under a key derived from the instance key, bound to the subscription's
public id, and decrypted only by what signs (the delivery worker, a validation).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from podium.codes import DeliveryStatus
from podium.db.models import WebhookDelivery, WebhookSubscription
from podium.errors import Conflict, InvalidParameter, MissingParameter, NotFound, WebhookUrlRefused
from podium.ids import Ids
from podium.services.accounts import get_account
from podium.services.tokens import verifying_keys
from podium.services.webhook_payloads import EVENTS
from podium.text import has_control
from podium.timestamps import format_timestamp

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAX_PER_ACCOUNT = 20
VALIDATION_INTERVAL = timedelta(hours=72)
ACTIVE, UNVALIDATED = "active", "unvalidated"
MAX_URL_LENGTH = 2048
MAX_SECRET_LENGTH = 256
NONCE_BYTES = 12


@dataclass(frozen=True)
class NewSubscription:
    url: str
    secret_token: str
    events: tuple[str, ...]


def check_url(url: object) -> str:
    """An http(s) URL with a host, no credentials and no fragment (the address it leads to
    is checked when connecting: web/webhook_client.py)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH or has_control(url):
        raise InvalidParameter(name="url", reason=f"An http(s) URL of at most {MAX_URL_LENGTH}.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidParameter(name="url", reason="It is not a URL.") from None
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlRefused(reason="only http:// and https:// URLs are called.")
    if not parts.hostname or (port is not None and port == 0):
        raise InvalidParameter(name="url", reason="It needs a host.")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlRefused(reason="credentials in the URL are not sent; use the secret token.")
    if parts.fragment:
        raise InvalidParameter(name="url", reason="A fragment (#…) is never sent.")
    return url


def parse_subscription(data: object) -> NewSubscription:
    """{"url", "secret_token", "events": [...]} (no events: every event)."""
    if not isinstance(data, dict):
        raise InvalidParameter(name="body", reason="It must be a JSON object.")
    unknown = sorted(set(data) - {"url", "secret_token", "events"})
    if unknown:
        raise InvalidParameter(name=unknown[0], reason="Use url, secret_token and events.")
    if data.get("url") is None:
        raise MissingParameter(name="url")
    url = check_url(data["url"])
    secret = data.get("secret_token")
    if secret is None:
        raise MissingParameter(name="secret_token")
    if (
        not isinstance(secret, str)
        or not 1 <= len(secret) <= MAX_SECRET_LENGTH
        or has_control(secret)
        or secret != secret.strip()
    ):
        raise InvalidParameter(
            name="secret_token", reason=f"Text of 1 to {MAX_SECRET_LENGTH} characters."
        )
    return NewSubscription(url, secret, parse_events(data.get("events")))


def parse_events(value: object) -> tuple[str, ...]:
    """The events asked for, in Zoom's order; None: all of them."""
    if value is None:
        return EVENTS
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidParameter(name="events", reason="A list of one or more event names.")
    unknown = sorted(set(value) - set(EVENTS))
    if unknown:
        raise InvalidParameter(
            name="events", reason=f"{unknown[0][:80]} is not one of {', '.join(EVENTS)}."
        )
    return tuple(name for name in EVENTS if name in value)


# -- the secret token, encrypted ---------------------------------------------------------------


def _cipher(key: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # loaded when first used

    return AESGCM(hmac.new(key, b"webhook-secret-token", hashlib.sha256).digest())


def seal_secret(key: bytes, subscription_id: str, secret: str, nonce: bytes) -> bytes:
    sealed = _cipher(key).encrypt(nonce, secret.encode(), subscription_id.encode())
    return nonce + sealed


def open_secret(key: bytes, subscription_id: str, sealed: bytes) -> str:
    """The secret token, sealed under `key` or (after a rotation) one of its older keys;
    ValueError when it was sealed under none of them, or altered."""
    from cryptography.exceptions import InvalidTag

    nonce, box = bytes(sealed[:NONCE_BYTES]), bytes(sealed[NONCE_BYTES:])
    for candidate in verifying_keys(key):
        try:
            return _cipher(candidate).decrypt(nonce, box, subscription_id.encode()).decode()
        except InvalidTag:
            continue
    raise ValueError("the webhook secret token cannot be decrypted with these keys")


# -- the rows ------------------------------------------------------------------------------------


def create(
    session: Session,
    account_id: int,
    new: NewSubscription,
    *,
    key: bytes,
    ids: Ids,
    now: datetime,
) -> WebhookSubscription:
    """A validated endpoint (the caller validated it), receiving events from now on."""
    check_room(session, account_id)
    subscription_id = ids.token()
    subscription = WebhookSubscription(
        subscription_id=subscription_id,
        account_id=account_id,
        url=new.url,
        events=json.dumps(list(new.events)),
        secret_token=seal_secret(key, subscription_id, new.secret_token, ids.secret_key()[:12]),
        status=ACTIVE,
        validated_at=now,
        next_validation_at=now + VALIDATION_INTERVAL,
        validation_failures=0,
        last_validation_error="",
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription


def check_room(session: Session, account_id: int) -> None:
    """The account exists and may add a subscription (before validating one)."""
    get_account(session, account_id)
    live = session.execute(
        select(func.count())
        .select_from(WebhookSubscription)
        .where(
            WebhookSubscription.account_id == account_id, WebhookSubscription.deleted_at.is_(None)
        )
    ).scalar_one()
    if live >= MAX_PER_ACCOUNT:
        raise Conflict(reason=f"An account has at most {MAX_PER_ACCOUNT} webhook subscriptions.")


def exist(session: Session) -> bool:
    """Any live subscription at all (whether a delivery worker is needed)."""
    found = session.execute(
        select(WebhookSubscription.id).where(WebhookSubscription.deleted_at.is_(None)).limit(1)
    ).first()
    return found is not None


def find(session: Session, account_id: int, subscription_id: str) -> WebhookSubscription:
    """A live subscription of this account (another account's looks like none)."""
    found = session.execute(
        select(WebhookSubscription).where(
            WebhookSubscription.subscription_id == subscription_id,
            WebhookSubscription.account_id == account_id,
            WebhookSubscription.deleted_at.is_(None),
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(what="webhook subscription", key=subscription_id[:40])
    return found


def listing(session: Session, account_id: int) -> list[WebhookSubscription]:
    get_account(session, account_id)
    return list(
        session.execute(
            select(WebhookSubscription)
            .where(
                WebhookSubscription.account_id == account_id,
                WebhookSubscription.deleted_at.is_(None),
            )
            .order_by(WebhookSubscription.id)
        ).scalars()
    )


def remove(session: Session, account_id: int, subscription_id: str, *, now: datetime) -> None:
    """No more events; what was still owed to it is given up."""
    subscription = find(session, account_id, subscription_id)
    subscription.deleted_at = subscription.updated_at = now
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_pk == subscription.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.FAILED, last_error="the subscription was removed"),
        execution_options={"synchronize_session": False},
    )
    session.flush()


def record_validation(
    session: Session, subscription_pk: int, *, error: str | None, now: datetime
) -> WebhookSubscription | None:
    """A validation's outcome (`error` None: it passed); the next one is due in 72 hours."""
    subscription = session.get(WebhookSubscription, subscription_pk)
    if subscription is None or subscription.deleted_at is not None:
        return None
    subscription.next_validation_at = now + VALIDATION_INTERVAL
    subscription.updated_at = now
    if error is None:
        subscription.status = ACTIVE
        subscription.validated_at = now
        subscription.validation_failures = 0
        subscription.last_validation_error = ""
    else:
        subscription.status = UNVALIDATED
        subscription.validation_failures += 1
        subscription.last_validation_error = error[:2000]
    session.flush()
    return subscription


def due_validations(session: Session, now: datetime, limit: int = 20) -> list[WebhookSubscription]:
    rows = list(
        session.execute(
            select(WebhookSubscription)
            .where(
                WebhookSubscription.deleted_at.is_(None),
                WebhookSubscription.next_validation_at <= now,
            )
            .order_by(WebhookSubscription.next_validation_at, WebhookSubscription.id)
            .limit(limit)
        ).scalars()
    )
    session.expunge_all()
    return rows


def view(subscription: WebhookSubscription) -> dict[str, Any]:
    """The subscription as the management API and the CLI show it (never its secret)."""
    return {
        "id": subscription.subscription_id,
        "url": subscription.url,
        "events": json.loads(subscription.events),
        "status": subscription.status,
        "created_at": format_timestamp(subscription.created_at),
        "validated_at": format_timestamp(subscription.validated_at),
        "next_validation_at": format_timestamp(subscription.next_validation_at),
        "last_validation_error": subscription.last_validation_error,
    }
