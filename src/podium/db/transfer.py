"""Moving a whole deployment between databases (SQLite → PostgreSQL): JSON lines out and in,
every table, every column, ids, hashes and timestamps unchanged; and SQLite online backups.

Line 1 is a header `{"podium_export": 1, "revision": "<alembic head>"}`; every other line is
`{"table": name, "row": {column: value}}`, tables in foreign-key order. Bytes travel as
`{"$bytes": base64}`, timestamps as ISO 8601 with their UTC offset.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, Integer, LargeBinary, Table, func, select, text
from sqlalchemy.orm import Session

from podium.db.models import Base, UtcDateTime

FORMAT_VERSION = 1
BATCH = 1000


class TransferError(Exception):
    """The dump or the target database cannot be used; nothing was written."""


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    times = {c.name for c in table.columns if isinstance(c.type, UtcDateTime)}
    blobs = {c.name for c in table.columns if isinstance(c.type, LargeBinary)}

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        decoded = dict(row)
        for name in times:
            if decoded.get(name) is not None:
                decoded[name] = datetime.fromisoformat(decoded[name])
        for name in blobs:
            if decoded.get(name) is not None:
                decoded[name] = base64.b64decode(decoded[name]["$bytes"])
        return decoded

    return decode


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def count_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return sum(
            int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in Base.metadata.sorted_tables
        )


def export_lines(engine: Engine) -> Iterator[str]:
    """The whole database as JSON lines (header first)."""
    header = {
        "podium_export": FORMAT_VERSION,
        "revision": _revision(engine),
        "rows": count_rows(engine),
    }
    yield json.dumps(header)
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            for row in connection.execute(select(table).order_by(*order)).mappings():
                data = {key: _encode(value) for key, value in row.items()}
                yield json.dumps({"table": table.name, "row": data}, ensure_ascii=False)


def _check_target(engine: Engine, header_line: str | None) -> None:
    try:
        header = json.loads(header_line or "")
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("podium_export") != FORMAT_VERSION:
        raise TransferError("the input is not a Podium export of a known version")
    if header.get("revision") != _revision(engine):
        raise TransferError(
            f"schema {header.get('revision')} in the export, {_revision(engine)} in the "
            "target: run `podium db upgrade` on both first"
        )
    if count_rows(engine):
        raise TransferError("the target database is not empty")


def _rows(lines: Iterator[str]) -> Iterator[tuple[Table, dict[str, Any]]]:
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    decoders = {name: _decoder(table) for name, table in tables.items()}
    for number, line in enumerate(lines, start=2):
        try:
            item = json.loads(line)
            yield tables[item["table"]], decoders[item["table"]](item["row"])
        except (ValueError, KeyError, TypeError):
            raise TransferError(f"line {number} is not a row of a known table") from None


def import_lines(engine: Engine, lines: Iterable[str], *, progress: Callable[[int], None]) -> int:
    """Load an export into an empty, migrated database in one transaction; rows loaded."""
    iterator = iter(lines)
    _check_target(engine, next(iterator, None))
    loaded = 0
    with engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        current: Table | None = None
        for table, row in _rows(iterator):
            if table is not current or len(batch) >= BATCH:
                if current is not None and batch:
                    connection.execute(current.insert(), batch)
                    progress(len(batch))
                batch, current = [], table
            batch.append(row)
            loaded += 1
        if current is not None and batch:
            connection.execute(current.insert(), batch)
            progress(len(batch))
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return loaded


def _reset_sequences(connection: Connection) -> None:
    """Rows came with their ids: move each serial sequence past the largest."""
    for table in Base.metadata.sorted_tables:
        [column] = table.primary_key.columns
        if not isinstance(column.type, Integer):
            continue
        # Names come from our own metadata, never from the input.
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "  # noqa: S608
                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
            )
        )


def reset_everything(session: Session) -> None:
    """Delete every row but the instance key, children first (a sandbox's reset)."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name != "instance_secrets":
            session.execute(table.delete())


def backup_sqlite(database_url: str, destination: Path) -> None:
    """A consistent copy of a live SQLite database (SQLite's online backup API)."""
    if not database_url.startswith("sqlite:///"):
        raise TransferError("`podium backup` copies SQLite; for PostgreSQL use pg_dump")
    if destination.exists():
        raise TransferError(f"{destination} exists: choose a new file")
    source = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
