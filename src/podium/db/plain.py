"""Hot reads (and a few hot writes: the outbox insert, a vote's) straight on the DBAPI cursor.

SQLAlchemy's execution machinery (execution context, result and row objects) cost ~40 µs a
statement here, four times the SQLite query itself (bench/README.md). A `PlainQuery`
compiles its statement once per dialect and runs it on the connection's DBAPI cursor,
converting each value with the result processor SQLAlchemy itself would apply (SQLite's
text datetimes, 0/1 booleans), so its rows read like SQLAlchemy's: named tuples.
Database errors come out as SQLAlchemy's DBAPIError, a lost connection invalidated;
`before_cursor_execute` listeners hear each statement (engine echo does not).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Delete, Insert, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    positional: bool
    processors: tuple[Callable[[Any], Any] | None, ...]
    row: Callable[..., tuple[Any, ...]]

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        converted = [
            (name, values[name] if bind is None else bind(values[name]))
            for name, bind in self.binds
        ]
        return tuple(value for _, value in converted) if self.positional else dict(converted)

    def convert(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return self.row(
            *(
                value if process is None else process(value)
                for process, value in zip(self.processors, values, strict=True)
            )
        )


def _compile(statement: Select[Any] | Insert | Delete, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    names = compiled.positiontup if compiled.positional else list(compiled.binds)
    binds = tuple(
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in names or ()
    )
    columns = list(statement.selected_columns) if isinstance(statement, Select) else []
    processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    row = namedtuple("PlainRow", [column.key for column in columns])  # type: ignore[misc]
    return _Compiled(compiled.string, binds, compiled.positional, processors, row)


class PlainQuery:
    """A SELECT (or an INSERT or DELETE, with `execute`) run on the DBAPI cursor of a SQLAlchemy
    connection (see the module)."""

    def __init__(self, statement: Select[Any] | Insert | Delete) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = _compile(self.statement, dialect)
        return found

    def first(self, connection: Connection, values: Mapping[str, Any]) -> Any | None:
        """The first row (a named tuple) or None."""
        found = self._run(connection, values, many=False)
        return found[0] if found else None

    def all(self, connection: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Every row (named tuples)."""
        return self._run(connection, values, many=True)

    def execute(self, connection: Connection, values: Mapping[str, Any]) -> None:
        """Run it for its effect (an INSERT, a DELETE); no rows are read."""
        self._run(connection, values, many=None)

    def _run(
        self, connection: Connection, values: Mapping[str, Any], *, many: bool | None
    ) -> list[Any]:
        dialect = connection.dialect
        compiled = self.compiled(dialect)
        parameters = compiled.parameters(values)
        dbapi_connection = connection.connection.driver_connection
        assert dbapi_connection is not None  # a live connection  # noqa: S101
        cursor = None
        try:
            cursor = dbapi_connection.cursor()
            listeners = connection.dispatch.before_cursor_execute
            for listener in listeners:  # what counts statements (tests) sees these too
                listener(connection, cursor, compiled.sql, parameters, None, False)
            cursor.execute(compiled.sql, parameters)
            if many is None:
                found = []
            elif many:
                found = cursor.fetchall()
            else:
                one = cursor.fetchone()
                found = [] if one is None else [one]
            cursor.close()
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, dbapi_connection, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.sql,
                parameters,
                error,
                dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from error
        return [compiled.convert(row) for row in found]
