"""SQL that renders report values in the database, so a 50,000-row report builds no datetime
objects in Python: the same expressions compiled for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class utc_text(FunctionElement[str]):  # noqa: N801 - reads like the SQL function it is
    """A UTC timestamp column as `YYYY-MM-DDTHH:MM:SSZ` text (NULL stays NULL)."""

    type = String()
    inherit_cache = True


class whole_minutes(FunctionElement[int]):  # noqa: N801
    """Whole minutes from the first timestamp to the second, rounded down."""

    type = Integer()
    inherit_cache = True


@compiles(utc_text, "sqlite")
def _utc_text_sqlite(element: utc_text, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy keeps SQLite datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC here): cutting
    # and pasting the text costs far less than strftime's parse-and-format per row.
    column = compiler.process(element.clauses, **kw)
    return f"(substr({column}, 1, 10) || 'T' || substr({column}, 12, 8) || 'Z')"


@compiles(utc_text, "postgresql")
def _utc_text_postgresql(element: utc_text, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


@compiles(whole_minutes, "sqlite")
def _whole_minutes_sqlite(element: whole_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    seconds = f"CAST(round((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"
    return f"({seconds} / 60)"


@compiles(whole_minutes, "postgresql")
def _whole_minutes_postgresql(element: whole_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS INTEGER)"
