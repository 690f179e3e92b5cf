"""PlainQuery: a SELECT on the DBAPI cursor reads exactly like SQLAlchemy's own execution."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    bindparam,
    event,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from podium.db.models import ApiCredential, User
from podium.db.plain import PlainQuery
from tests.conftest import AccountKeys

REVOKED = datetime(2026, 11, 24, 7, 30, 15, 123456, tzinfo=UTC)


def credentials_and_host() -> Any:
    return (
        select(
            ApiCredential.api_key,
            ApiCredential.secret_hash,
            ApiCredential.created_at,
            ApiCredential.revoked_at,
            User.has_webinar.label("hosts"),
            User.host_id,
        )
        .join(User, User.account_id == ApiCredential.account_id)
        .where(ApiCredential.api_key == bindparam("key"), User.host_id == bindparam("host"))
    )


def test_rows_equal_sqlalchemy_rows_value_for_value_and_type_for_type(
    connection: Connection, account: AccountKeys
) -> None:
    statement = credentials_and_host()
    values = {"key": account.api_key, "host": account.host_id}
    connection.execute(
        update(ApiCredential).where(ApiCredential.api_key == account.api_key),
        {"revoked_at": REVOKED},
    )

    plain = PlainQuery(statement).first(connection, values)
    expected = connection.execute(statement, values).one()

    assert plain is not None
    assert plain._fields == (
        "api_key",
        "secret_hash",
        "created_at",
        "revoked_at",
        "hosts",
        "host_id",
    )
    assert tuple(plain) == tuple(expected)
    assert [type(value) for value in plain] == [type(value) for value in expected]
    assert (plain.revoked_at, plain.hosts, plain.host_id) == (REVOKED, True, account.host_id)


def test_no_row_is_none_and_null_stays_none(connection: Connection, account: AccountKeys) -> None:
    query = PlainQuery(credentials_and_host())

    missing = query.first(connection, {"key": "nobody", "host": account.host_id})
    found = query.first(connection, {"key": account.api_key, "host": account.host_id})

    assert missing is None
    assert found is not None
    assert found.revoked_at is None


def test_statement_listeners_hear_it(connection: Connection, account: AccountKeys) -> None:
    heard: list[str] = []

    def record(*args: Any) -> None:
        heard.append(args[2])

    event.listen(connection, "before_cursor_execute", record)
    try:
        PlainQuery(credentials_and_host()).first(
            connection, {"key": account.api_key, "host": account.host_id}
        )
    finally:
        event.remove(connection, "before_cursor_execute", record)

    assert len(heard) == 1
    assert heard[0].startswith("SELECT api_credentials.api_key, api_credentials.secret_hash")


def test_a_database_error_is_sqlalchemys_dbapi_error(connection: Connection) -> None:
    never_made = Table("no_such_table", MetaData(), Column("id", Integer))
    query = PlainQuery(select(never_made.c.id).where(never_made.c.id == bindparam("id")))
    connection.exec_driver_sql("SAVEPOINT before_error")  # PostgreSQL aborts the transaction

    with pytest.raises(DBAPIError) as raised:
        query.first(connection, {"id": 1})
    connection.exec_driver_sql("ROLLBACK TO SAVEPOINT before_error")

    assert "no_such_table" in str(raised.value.orig)
    assert (
        raised.value.statement
        == "SELECT no_such_table.id \nFROM no_such_table \nWHERE no_such_table.id = "
        + ("?" if connection.dialect.name == "sqlite" else "%(id)s::INTEGER")
    )
    assert raised.value.connection_invalidated is False
