"""Runtime: the transactions, API context and event consumers of one app, and how database
work meets the event loop.

Every unit of work runs with the durable event consumers inside its transaction (the mail
outbox; webhooks), and hands its events to the live consumers (the live pages) after the
commit. How writes reach the database is chosen where the runtime is built: group commit on a
real engine, one at a time on a test's savepoints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from podium.api.call import ApiContext, Urls
from podium.clock import Clock, SystemClock
from podium.db.engine import make_engine
from podium.db.transactions import EngineTransactions, SavepointTransactions, Transactions
from podium.events import Event
from podium.ids import Ids
from podium.services import outbox
from podium.services.accounts import NewAccount, create_account, instance_key
from podium.services.events import DurableConsumer, in_unit_of_work
from podium.services.tokens import Issuer, Keyring
from podium.services.webhook_outbox import SubscriptionCache, WebhookOutbox
from podium.settings import Settings
from podium.web.group_commit import GroupCommit

T = TypeVar("T")
LiveConsumer = Callable[[Sequence[Event]], None]

# What every unit of work writes for its events, in its own transaction (`Runtime.build`
# adds the webhook outbox, which needs the runtime's ids and its subscriptions cache).
DURABLE_CONSUMERS: tuple[DurableConsumer, ...] = (outbox.write_messages,)


class Writes(Protocol):
    """How a writing work reaches the database from the event loop."""

    async def submit(self, work: Callable[[Session], T]) -> T: ...


class OneAtATime:
    """Each write in its own transaction, at once (the tests' savepoints)."""

    def __init__(self, transactions: Transactions) -> None:
        self.transactions = transactions

    async def submit(self, work: Callable[[Session], T]) -> T:
        return self.transactions.run(work, writes=True)


@dataclass
class Runtime:
    settings: Settings
    transactions: Transactions
    context: ApiContext
    writes: Writes
    durable: tuple[DurableConsumer, ...] = DURABLE_CONSUMERS
    live: list[LiveConsumer] = field(default_factory=list)
    webhooks: WebhookOutbox | None = None  # the webhook outbox consumer (in `durable`)
    # False when bound to one borrowed connection (a test's): nothing may use it from a
    # background task while its owner does (the webhook worker then sends only when asked).
    background: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        ids: Ids | None = None,
        bind: Connection | None = None,
    ) -> Runtime:
        """Connect to a migrated database and load the instance key.

        `bind` (the in-process tests): every transaction is a savepoint of that connection,
        and writes run one at a time. Otherwise writes go through group commit.
        """
        ids = ids or Ids()
        transactions: Transactions
        writes: Writes
        if bind is not None:
            transactions = SavepointTransactions(bind)
            writes = OneAtATime(transactions)
        else:
            engine = make_engine(
                settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
            )
            engine_transactions = EngineTransactions(engine)
            transactions = engine_transactions
            writes = GroupCommit(engine_transactions.run_together)
        key: bytes
        if settings.secret_keys:  # newest first: the first signs, every one verifies
            key = Keyring(settings.secret_keys)
        else:
            key = transactions.run(lambda session: instance_key(session, ids), writes=True)
        context = ApiContext(
            clock=clock or SystemClock(),
            issuer=Issuer(ids=ids, key=key),
            urls=Urls(settings.public_url.rstrip("/")),
            zak_lifetime=timedelta(seconds=settings.zak_lifetime_seconds),
        )
        webhooks = WebhookOutbox(ids, context.clock, context.urls.public_url, SubscriptionCache())
        durable = (*DURABLE_CONSUMERS, webhooks.write)
        return cls(
            settings,
            transactions,
            context,
            writes,
            durable=durable,
            webhooks=webhooks,
            background=bind is None,
        )

    def webhook_subscriptions_changed(self) -> None:
        """This process added, removed or re-validated a subscription: the hot path's cache
        of them is reloaded at the next event (other processes reload within a second)."""
        if self.webhooks is not None:
            self.webhooks.subscriptions.invalidate()

    @property
    def engine(self) -> Engine:
        return self.transactions.engine

    def new_account(self, *, name: str, host_email: str) -> NewAccount:
        """An account with a webinar host and an API key pair, in a transaction of its own."""
        issuer, clock = self.context.issuer, self.context.clock
        return self.run(
            lambda session: create_account(
                session,
                name=name,
                host_email=host_email,
                key=issuer.key,
                ids=issuer.ids,
                now=clock.now(),
            ),
            writes=True,
        )

    def subscribe(self, consumer: LiveConsumer) -> None:
        """`consumer` hears the events of every unit of work committed from now on."""
        with self._lock:
            self.live.append(consumer)

    def publish(self, events: Sequence[Event]) -> None:
        """Committed events, to every live consumer (from whichever thread committed them)."""
        if events:
            for consumer in list(self.live):
                consumer(events)

    def _unit(self, work: Callable[[Session], T]) -> Callable[[Session], tuple[T, list[Event]]]:
        return in_unit_of_work(work, self.durable)

    def run(self, work: Callable[[Session], T], *, writes: bool) -> T:
        """One unit of work in a transaction of its own (commit on return, roll back on
        raise), its events published after the commit."""
        result, events = self.transactions.run(self._unit(work), writes=writes)
        self.publish(events)
        return result

    def read(self, work: Callable[[Connection], T]) -> T:
        """Reading work on a plain connection (no session, no events)."""
        return self.transactions.read(work)

    async def transact(self, work: Callable[[Session], T], *, writes: bool) -> T:
        """Database work from the event loop: reads at once, writes as the runtime's
        `writes` says (group commit: in the next group).

        Measured on this machine (bench/README.md): a SQLite point query costs ~8 µs, far less
        than the hop to a thread pool, which halved throughput. So the work runs inline; no
        await happens inside a transaction, so a process never holds a lock while it waits.
        """
        if not writes:
            return self.run(work, writes=False)
        result, events = await self.writes.submit(self._unit(work))
        self.publish(events)
        return result

    def run_together(self, works: list[Callable[[Session], Any]]) -> list[tuple[bool, Any]]:
        """Units of work in one transaction (group commit), their events published after
        the commit: each (True, result) or (False, exception)."""
        outcomes = self.transactions.run_together([self._unit(work) for work in works])
        answers: list[tuple[bool, Any]] = []
        for succeeded, value in outcomes:
            if succeeded:
                result, events = value
                self.publish(events)
                answers.append((True, result))
            else:
                answers.append((False, value))
        return answers
