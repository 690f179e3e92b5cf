"""Runtime: the engine, sessions and API context of one app, and how work meets the loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from podium.api.call import ApiContext, Urls
from podium.clock import Clock, SystemClock
from podium.db.engine import make_engine, make_sessions
from podium.errors import StorageUnavailable
from podium.ids import Ids
from podium.services.accounts import NewAccount, create_account, instance_key
from podium.services.tokens import Issuer
from podium.settings import Settings

T = TypeVar("T")
RETRIES = 3
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock


# The database cannot serve now: SQLite's SQLITE_FULL or an I/O error (a file-size limit),
# PostgreSQL's insufficient resources (53xxx: disk full, too many connections), connection
# exceptions (08xxx), shutdowns (57P0x) and connections that broke or were refused.
UNAVAILABLE_STATES = ("53", "08", "57P")
UNAVAILABLE_MESSAGES = (
    "database or disk is full",
    "disk i/o error",
    "connection refused",
    "connection failed",
    "server closed the connection",
    "terminating connection",
)


def is_unavailable(error: DBAPIError) -> bool:
    state = getattr(error.orig, "sqlstate", None) or ""
    if state.startswith(UNAVAILABLE_STATES) or error.connection_invalidated:
        return True
    return any(message in str(error.orig).lower() for message in UNAVAILABLE_MESSAGES)


def is_transient(error: DBAPIError) -> bool:
    """A conflict that running the same transaction again can get past."""
    state = getattr(error.orig, "sqlstate", None)
    return state in TRANSIENT_SQLSTATES or "database is locked" in str(error.orig)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    readers: sessionmaker[Session]
    writers: sessionmaker[Session]
    context: ApiContext
    bind: Connection | None = None  # tests: every transaction is a savepoint of this

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

        `bind` (tests only) runs every transaction as a savepoint of that connection.
        """
        ids = ids or Ids()
        engine = make_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        readers, writers = make_sessions(bind if bind is not None else engine)
        if settings.secret_key is not None:
            key = settings.secret_key.encode("utf-8")
        else:
            with writers.begin() as session:
                key = instance_key(session, ids)
        context = ApiContext(
            clock=clock or SystemClock(),
            issuer=Issuer(ids=ids, key=key),
            urls=Urls(settings.public_url.rstrip("/")),
            zak_lifetime=timedelta(seconds=settings.zak_lifetime_seconds),
        )
        return cls(settings, engine, readers, writers, context, bind)

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

    def run(self, work: Callable[[Session], T], *, writes: bool) -> T:
        """One transaction: commit when `work` returns, roll back when it raises.

        A transaction that lost a serialization conflict or a deadlock (PostgreSQL), or found
        SQLite still locked after its busy timeout, runs again from the start, at most
        RETRIES times: the work is plain database work, so running it again is safe.
        """
        sessions = self.writers if writes else self.readers
        for attempt in range(1, RETRIES + 1):
            try:
                with sessions.begin() as session:
                    return work(session)
            except DBAPIError as error:
                if is_unavailable(error):
                    raise StorageUnavailable from error
                if attempt == RETRIES or not is_transient(error):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, work: Callable[[Connection], T]) -> T:
        """Reading work on a plain connection, without an ORM session (the hot read path:
        a session costs more than the query). Nothing it does is committed."""
        try:
            if self.bind is not None:
                return work(self.bind)
            with self.engine.connect() as connection:
                return work(connection)
        except DBAPIError as error:
            if is_unavailable(error):
                raise StorageUnavailable from error
            raise

    async def transact(self, work: Callable[[Session], T], *, writes: bool) -> T:
        """Database work from the event loop.

        Measured on this machine (bench/README.md): a SQLite point query costs ~8 µs, far less
        than the hop to a thread pool, which halved throughput. So the work runs inline; no
        await happens inside a transaction, so a process never holds a lock while it waits.
        """
        return self.run(work, writes=writes)
