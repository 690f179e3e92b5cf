"""Engines and sessions: SQLite in WAL mode with real transactions, or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "podium_writes"


def normalise_url(database_url: str) -> str:
    """`postgresql://` means psycopg 3 here, not psycopg2."""
    if database_url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + database_url.split("://", 1)[1]
    return database_url


def make_engine(database_url: str, *, sqlite_synchronous: str = "FULL", **kwargs: Any) -> Engine:
    """An engine whose transactions really are transactions on both backends."""
    url = normalise_url(database_url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(url, **kwargs)
    synchronous = sqlite_synchronous.upper()
    if synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"unknown SQLite synchronous setting: {sqlite_synchronous}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        # pysqlite's own transaction handling is off: we emit BEGIN ourselves (below), so
        # savepoints work and a transaction starts exactly when SQLAlchemy starts one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A writing transaction takes the write lock up front: waiting in busy_timeout is
        # then the only outcome of contention, never "database is locked" mid-transaction.
        # Reading work runs without BEGIN (each statement sees committed data): on the hot
        # read path a BEGIN/COMMIT pair costs more than the query.
        if connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def for_reading(engine: Engine) -> Engine:
    """`engine` for reading work. On PostgreSQL that is autocommit: at READ COMMITTED every
    statement takes its own snapshot inside a transaction too, so BEGIN and ROLLBACK only
    added two round trips (a one-statement read took 2.6x as long; bench/README.md). SQLite
    reads already run without BEGIN (see on_begin above)."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def make_sessions(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """Two session factories: (read-only work, writing work)."""
    readers = sessionmaker(for_reading(engine), expire_on_commit=False)
    writers = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return readers, writers
