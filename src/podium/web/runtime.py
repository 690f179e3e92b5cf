"""Runtime: the engine, sessions and API context of one app, and how work meets the loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.session import JoinTransactionMode

from podium.api.call import ApiContext, Urls
from podium.clock import Clock, SystemClock
from podium.db.engine import WRITE_OPTION, for_reading, make_engine, make_sessions
from podium.errors import StorageUnavailable
from podium.ids import Ids
from podium.services.accounts import NewAccount, create_account, instance_key
from podium.services.tokens import Issuer, Keyring
from podium.settings import Settings
from podium.web.group_commit import GroupCommit, Work

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
    _group: GroupCommit | None = field(default=None, repr=False)
    _readers_by_thread: threading.local = field(default_factory=threading.local, repr=False)

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
        key: bytes
        if settings.secret_keys:  # newest first: the first signs, every one verifies
            key = Keyring(settings.secret_keys)
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

    def _alone(self, work: Callable[[Session], T]) -> tuple[bool, T | BaseException]:
        try:
            return True, self.run(work, writes=True)
        except Exception as error:
            return False, error

    def run_together(self, works: list[Work]) -> list[tuple[bool, Any]]:
        """Writing works in one transaction, one session each: one commit for all. Each gets
        (True, result) or (False, exception).

        The group first runs without savepoints (they cost two statements a work). If a
        work raises, everything is rolled back and the group runs again with a savepoint
        per work: a work that raises is then rolled back alone and gets its exception. A
        work that met a database error (a lock, a constraint, a lost connection) runs again
        alone (`run`, with its retries) after the group, and so does every work when the
        commit fails: nothing of theirs was committed.
        """
        if len(works) == 1 or self.bind is not None:
            return [self._alone(work) for work in works]
        outcomes = self._run_group(works, savepoints=False)
        if outcomes is None:
            outcomes = self._run_group(works, savepoints=True) or [None] * len(works)
        return [
            outcome if outcome is not None else self._alone(work)
            for outcome, work in zip(outcomes, works, strict=True)
        ]

    def _run_group(
        self, works: list[Work], *, savepoints: bool
    ) -> list[tuple[bool, Any] | None] | None:
        """One transaction for `works`. Without savepoints: None as soon as one raises
        (all rolled back). With them: each outcome, None for a database error."""
        outcomes: list[tuple[bool, Any] | None] = []
        mode: JoinTransactionMode = "create_savepoint" if savepoints else "rollback_only"
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{WRITE_OPTION: True})
                transaction = connection.begin()
                for work in works:
                    outcome = _in_session(connection, work, mode)
                    if not savepoints and (outcome is None or not outcome[0]):
                        if transaction.is_active:  # the work's session may have done it
                            transaction.rollback()
                        return None
                    outcomes.append(outcome)
                transaction.commit()
        except DBAPIError:
            return None
        return outcomes

    def read(self, work: Callable[[Connection], T]) -> T:
        """Reading work on a plain connection, without an ORM session (the hot read path:
        a session costs more than the query). Each thread keeps its reading connection
        (a pool checkout costs as much as the query); every read ends with a rollback, so
        no transaction or snapshot outlives it."""
        if self.bind is not None:
            return work(self.bind)
        for attempt in (1, 2):
            held = getattr(self._readers_by_thread, "connection", None)
            connection = held
            if connection is None or connection.closed or connection.invalidated:
                connection = self._readers_by_thread.connection = for_reading(self.engine).connect()
            try:
                return work(connection)
            except DBAPIError as error:
                self._readers_by_thread.connection = None
                connection.close()
                if attempt == 1 and held is not None and error.connection_invalidated:
                    continue  # it broke while held (a database restart): once more, fresh
                if is_unavailable(error):
                    raise StorageUnavailable from error
                raise
            finally:
                if not connection.closed:
                    connection.rollback()
        raise AssertionError("unreachable")  # pragma: no cover

    async def transact(self, work: Callable[[Session], T], *, writes: bool) -> T:
        """Database work from the event loop: reads at once, writes in the next group commit.

        Measured on this machine (bench/README.md): a SQLite point query costs ~8 µs, far less
        than the hop to a thread pool, which halved throughput. So the work runs inline; no
        await happens inside a transaction, so a process never holds a lock while it waits.
        """
        if not writes:
            return self.run(work, writes=False)
        if self._group is None:
            self._group = GroupCommit(self.run_together)
        return await self._group.submit(work)


def _in_session(
    connection: Connection, work: Work, mode: JoinTransactionMode
) -> tuple[bool, Any] | None:
    """One work of a group in a session of its own on the group's connection: (True,
    result), (False, exception), or None when it met a database error."""
    session = Session(bind=connection, join_transaction_mode=mode, expire_on_commit=False)
    try:
        with session.begin():
            return True, work(session)
    except DBAPIError:
        return None
    except Exception as error:
        return False, error
    finally:
        session.close()
