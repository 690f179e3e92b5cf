"""Bring a database to the newest schema (Alembic, migrations shipped inside the package)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from podium.db.engine import normalise_url


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "podium.db:migrations")
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    """The newest revision the shipped migrations know."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
