"""Transactions: how work meets the database. Two kinds, chosen where the app is built:

- `EngineTransactions` (every server): transactions on the engine, retried when a conflict
  or a lock can be got past, database outages reported as `StorageUnavailable`; several
  writing works can share one transaction and one commit (`run_together`, group commit).
- `SavepointTransactions` (the in-process tests): every transaction is a savepoint of one
  connection that the test rolls back; works always run one at a time.

A work is a plain function of a Session (or, for `read`, of a Connection); it never commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.session import JoinTransactionMode

from podium.db.engine import WRITE_OPTION, for_reading, make_sessions
from podium.errors import StorageUnavailable

T = TypeVar("T")
Work = Callable[[Session], Any]
Outcome = tuple[bool, Any]  # (True, result) or (False, the exception it raised)
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


class Transactions(Protocol):
    engine: Engine
    writers: sessionmaker[Session]

    def run(self, work: Callable[[Session], T], *, writes: bool) -> T: ...

    def run_together(self, works: list[Work]) -> list[Outcome]: ...

    def read(self, work: Callable[[Connection], T]) -> T: ...


class EngineTransactions:
    """Transactions on the engine (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.readers, self.writers = make_sessions(engine)
        self._readers_by_thread = threading.local()

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

    def _alone(self, work: Work) -> Outcome:
        try:
            return True, self.run(work, writes=True)
        except Exception as error:
            return False, error

    def run_together(self, works: list[Work]) -> list[Outcome]:
        """Writing works in one transaction, one session each: one commit for all. Each gets
        (True, result) or (False, exception).

        The group first runs without savepoints (they cost two statements a work). If a
        work raises, everything is rolled back and the group runs again with a savepoint
        per work: a work that raises is then rolled back alone and gets its exception. A
        work that met a database error (a lock, a constraint, a lost connection) runs again
        alone (`run`, with its retries) after the group, and so does every work when the
        commit fails: nothing of theirs was committed.
        """
        if len(works) == 1:
            return [self._alone(works[0])]
        outcomes = self._run_group(works, savepoints=False)
        if outcomes is None:
            outcomes = self._run_group(works, savepoints=True) or [None] * len(works)
        return [
            outcome if outcome is not None else self._alone(work)
            for outcome, work in zip(outcomes, works, strict=True)
        ]

    def _run_group(self, works: list[Work], *, savepoints: bool) -> list[Outcome | None] | None:
        """One transaction for `works`. Without savepoints: None as soon as one raises
        (all rolled back). With them: each outcome, None for a database error."""
        outcomes: list[Outcome | None] = []
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


class SavepointTransactions:
    """Every transaction a savepoint of `connection`, which the test rolls back."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.engine = connection.engine
        # Sessions join the test's transaction through savepoints: the test rolls it back.
        joined = sessionmaker(
            connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self.readers = self.writers = joined

    def run(self, work: Callable[[Session], T], *, writes: bool) -> T:
        sessions = self.writers if writes else self.readers
        with sessions.begin() as session:
            return work(session)

    def run_together(self, works: list[Work]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for work in works:
            try:
                outcomes.append((True, self.run(work, writes=True)))
            except Exception as error:
                outcomes.append((False, error))
        return outcomes

    def read(self, work: Callable[[Connection], T]) -> T:
        return work(self.connection)


def _in_session(connection: Connection, work: Work, mode: JoinTransactionMode) -> Outcome | None:
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
