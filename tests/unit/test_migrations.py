"""Alembic on both engines: empty → head → base → head, and no drift between models and
the migrated schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from podium.db import migrate
from podium.db.engine import make_engine
from podium.db.models import Base
from tests.conftest import fresh_database

TABLES = sorted(Base.metadata.tables)


@pytest.fixture
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from fresh_database(tmp_path_factory)


def table_names(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        return sorted(
            name for name in inspect(engine).get_table_names() if name != "alembic_version"
        )
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    at_head = table_names(empty_database)
    migrate.downgrade(empty_database, "base")
    at_base = table_names(empty_database)
    migrate.upgrade(empty_database)

    assert at_head == TABLES
    assert at_base == []
    assert table_names(empty_database) == TABLES


def test_migrated_schema_matches_the_models(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()

    assert differences == []
