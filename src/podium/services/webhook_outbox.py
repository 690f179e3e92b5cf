"""The webhook outbox: what the events owe each subscribed endpoint, written by a durable
event consumer (`WebhookOutbox.write`) in the transaction of the change, and claimed, retried
and settled by the delivery worker (web/webhook_worker.py).

Retries follow Zoom: only after a 5xx answer or a transport failure, at +5, +20 and +60
minutes after the previous attempt, on the server clock; then the delivery is failed. A 3xx or
4xx answer is final. A claim is a lease on the real clock: a worker that died loses it.

The hot path (a registration) must not query the subscriptions: `SubscriptionCache` keeps
every account's active subscriptions in memory, reloaded (one query) once a second, and at
once when this process changed them. The row itself is inserted by INSERT … SELECT from the
subscription, so a subscription removed or failing meanwhile (in another process) gets nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from podium.clock import Clock
from podium.codes import DeliveryStatus
from podium.db.models import UtcDateTime, WebhookDelivery, WebhookSubscription
from podium.db.plain import PlainQuery
from podium.events import Event, WebinarEvent
from podium.ids import Ids
from podium.services.webhook_payloads import EVENT_NAMES, notification
from podium.services.webhook_subscriptions import ACTIVE
from podium.timestamps import format_timestamp

RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=20), timedelta(minutes=60))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
REFRESH_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Target:
    pk: int
    events: frozenset[str]


class SubscriptionCache:
    """Every account's active subscriptions, as of at most REFRESH_SECONDS ago (or as of the
    last change this process made: `invalidate`)."""

    def __init__(self, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.refresh_seconds = refresh_seconds
        self._by_account: dict[int, tuple[Target, ...]] = {}
        self._loaded_at = -float("inf")
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._loaded_at = -float("inf")

    def targets(self, session: Session, account_id: int, event: str) -> list[Target]:
        if time.monotonic() - self._loaded_at > self.refresh_seconds:
            self._reload(session)
        return [t for t in self._by_account.get(account_id, ()) if event in t.events]

    def _reload(self, session: Session) -> None:
        rows = session.execute(
            select(
                WebhookSubscription.id, WebhookSubscription.account_id, WebhookSubscription.events
            ).where(WebhookSubscription.deleted_at.is_(None), WebhookSubscription.status == ACTIVE)
        ).all()
        found: dict[int, list[Target]] = {}
        for pk, account_id, events in rows:
            found.setdefault(account_id, []).append(Target(pk, frozenset(json.loads(events))))
        with self._lock:
            self._by_account = {account: tuple(targets) for account, targets in found.items()}
            self._loaded_at = time.monotonic()


@cache
def _insert() -> PlainQuery:
    """One delivery, only while its subscription is active: built once and run on the DBAPI
    cursor (the hot path: SQLAlchemy's execution machinery cost more than the insert)."""
    subscriptions = cast("Table", WebhookSubscription.__table__)
    at = bindparam("at", type_=UtcDateTime())
    chosen = select(
        subscriptions.c.id,
        bindparam("event", type_=String()),
        bindparam("request_id", type_=String()),
        at,
        bindparam("body", type_=Text()),
        bindparam("link_nonce", type_=String()),
        literal_column(f"'{DeliveryStatus.PENDING.value}'", String()),
        literal_column("0", Integer()),
        bindparam("due", type_=UtcDateTime()),
        literal_column("''", Text()),
    ).where(
        subscriptions.c.id == bindparam("pk"),
        subscriptions.c.deleted_at.is_(None),
        subscriptions.c.status == literal_column(f"'{ACTIVE}'"),  # every value is bound by name
    )
    columns = [
        "subscription_pk",
        "event",
        "request_id",
        "event_at",
        "body",
        "link_nonce",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    return PlainQuery(insert(WebhookDelivery).from_select(columns, chosen))


class WebhookOutbox:
    """The durable consumer: a delivery per event and subscribed endpoint of its account."""

    def __init__(
        self, ids: Ids, clock: Clock, public_url: str, subscriptions: SubscriptionCache
    ) -> None:
        self.ids = ids
        self.clock = clock
        self.public_url = public_url
        self.subscriptions = subscriptions

    def write(self, session: Session, events: Sequence[Event]) -> None:
        for event in events:
            name = EVENT_NAMES.get(type(event))  # type: ignore[arg-type]
            if name is None or not isinstance(event, WebinarEvent):
                continue
            targets = self.subscriptions.targets(session, event.webinar.account_id, name)
            note = notification(event, self.public_url) if targets else None
            if note is None:
                continue
            values = {
                "event": note.event,
                "request_id": self.ids.request_id(),
                "at": note.at,
                "due": self.clock.now(),  # at once (a simulated session's events may lie ahead)
                "body": note.body,
                "link_nonce": note.link_nonce,
            }
            for target in targets:
                _insert().execute(session.connection(), values | {"pk": target.pk})


# -- the worker's side ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a worker holds, with what sending it needs."""

    id: int
    subscription_pk: int
    event: str
    request_id: str
    body: str
    link_nonce: str | None
    attempts: int
    event_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one attempt went: an HTTP status, or none (the error says why)."""

    delivery_id: int
    attempts: int  # before this one
    at: datetime  # server clock
    http_status: int | None
    duration_ms: int
    error: str = ""
    final: bool = False  # a failure that retrying cannot mend (an address not allowed)

    @property
    def succeeded(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300 and not self.error

    @property
    def retryable(self) -> bool:
        if self.final or self.succeeded:
            return False
        return self.http_status is None or self.http_status >= 500


def _free(real_now: datetime) -> Any:
    return or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < real_now)


def due_lanes(session: Session, *, now: datetime, real_now: datetime) -> list[tuple[int, str, int]]:
    """Active subscriptions with deliveries due now and free: (pk, public id, how many)."""
    rows = session.execute(
        select(WebhookDelivery.subscription_pk, WebhookSubscription.subscription_id, func.count())
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_pk)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            _free(real_now),
            WebhookSubscription.status == ACTIVE,
            WebhookSubscription.deleted_at.is_(None),
        )
        .group_by(WebhookDelivery.subscription_pk, WebhookSubscription.subscription_id)
    ).all()
    return [(pk, public_id, count) for pk, public_id, count in rows]


def claim(  # noqa: PLR0913 - the lane, its limit, the two clocks and the claim
    session: Session,
    subscription_pk: int,
    *,
    limit: int,
    now: datetime,
    real_now: datetime,
    lease_until: datetime,
    token: str,
    holding: frozenset[int] = frozenset(),
) -> list[Claimed]:
    """Up to `limit` due deliveries of one subscription, oldest first, for this worker alone:
    the UPDATE takes only rows nobody holds (a concurrent worker gets the others)."""
    due = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.subscription_pk == subscription_pk,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            _free(real_now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if holding:
        due = due.where(WebhookDelivery.id.not_in(holding))
    rows = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(due.scalar_subquery()), _free(real_now))
        .values(claimed_until=lease_until, claim_token=token)
        .returning(
            WebhookDelivery.id,
            WebhookDelivery.subscription_pk,
            WebhookDelivery.event,
            WebhookDelivery.request_id,
            WebhookDelivery.body,
            WebhookDelivery.link_nonce,
            WebhookDelivery.attempts,
            WebhookDelivery.event_at,
        ),
        execution_options={"synchronize_session": False},
    ).all()
    return sorted((Claimed(**row._asdict()) for row in rows), key=lambda item: item.id)


def renew(session: Session, ids: Sequence[int], *, token: str, lease_until: datetime) -> None:
    """Keep holding these (held longer than a lease: a sandbox delay, a slow lane)."""
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids), WebhookDelivery.claim_token == token)
        .values(claimed_until=lease_until),
        execution_options={"synchronize_session": False},
    )


def release(session: Session, ids: Sequence[int], *, token: str) -> None:
    """Give deliveries back unsent (a worker stopping)."""
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids), WebhookDelivery.claim_token == token)
        .values(claimed_until=None, claim_token=None),
        execution_options={"synchronize_session": False},
    )


def settle(attempt: Attempt) -> dict[str, Any]:
    """The delivery's new state after `attempt` (Zoom's retry schedule)."""
    attempts = attempt.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": attempt.at,
        "last_status": attempt.http_status,
        "last_duration_ms": attempt.duration_ms,
        "last_error": attempt.error[:2000],
        "claimed_until": None,
        "claim_token": None,
        "sent_at": None,
        "next_attempt_at": attempt.at,
        "status": DeliveryStatus.FAILED,
    }
    if attempt.succeeded:
        values |= {"status": DeliveryStatus.SENT, "sent_at": attempt.at}
    elif attempt.retryable and attempts < MAX_ATTEMPTS:
        values |= {
            "status": DeliveryStatus.PENDING,
            "next_attempt_at": attempt.at + RETRY_DELAYS[attempts - 1],
        }
    return values


@cache
def _record_statement() -> Any:
    table = cast("Table", WebhookDelivery.__table__)
    names = (
        "attempts",
        "last_attempt_at",
        "last_status",
        "last_duration_ms",
        "last_error",
        "claimed_until",
        "claim_token",
        "sent_at",
        "next_attempt_at",
        "status",
    )
    return (
        table.update()
        .where(table.c.id == bindparam("id_"), table.c.claim_token == bindparam("token_"))
        .values({name: bindparam(f"{name}_") for name in names})
    )


def record(session: Session, attempts: Sequence[Attempt], *, token: str) -> None:
    """Write the outcomes (only of deliveries this worker still holds)."""
    if not attempts:
        return
    session.connection().execute(
        _record_statement(),
        [
            {"id_": attempt.delivery_id, "token_": token}
            | {f"{name}_": value for name, value in settle(attempt).items()}
            for attempt in attempts
        ],
    )


def backlog(session: Session) -> int:
    """Deliveries still owed (pending), due or not."""
    return int(
        session.execute(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        ).scalar_one()
    )


def owed(session: Session) -> tuple[int, datetime | None]:
    """Deliveries still owed, and when the event of the oldest happened (metrics)."""
    row = session.execute(
        select(func.count(), func.min(WebhookDelivery.event_at)).where(
            WebhookDelivery.status == DeliveryStatus.PENDING
        )
    ).one()
    return int(row[0]), row[1]


def retry_failed(
    session: Session, subscription_pk: int, delivery_id: int, *, now: datetime
) -> bool:
    """A failed delivery of this subscription is due again now, for one more attempt (its
    count kept: another failure leaves it failed). False when there is no such failed one."""
    moved = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.subscription_pk == subscription_pk,
            WebhookDelivery.status == DeliveryStatus.FAILED,
        )
        .values(status=DeliveryStatus.PENDING, next_attempt_at=now, last_error="")
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(moved, "rowcount", 0) == 1)


def recent(
    session: Session, subscription_pk: int, *, limit: int, status: str | None = None
) -> list[dict[str, Any]]:
    """A subscription's deliveries, newest first, with their last attempt."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_pk == subscription_pk)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return [
        {
            "id": row.id,
            "event": row.event,
            "request_id": row.request_id,
            "event_time": format_timestamp(row.event_at),
            "status": row.status,
            "attempt": row.attempts,
            "time": format_timestamp(row.last_attempt_at),
            "http_status": row.last_status,
            "duration_ms": row.last_duration_ms,
            "error": row.last_error,
            "next_attempt_time": (
                format_timestamp(row.next_attempt_at)
                if row.status == DeliveryStatus.PENDING
                else ""
            ),
        }
        for row in session.execute(query).scalars()
    ]
