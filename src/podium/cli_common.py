"""What the command-line modules share: the --database-url and --json options, the checked
settings, one transaction with a runtime, and printing a result."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from podium.cli_serve import reach_database
from podium.errors import NotFound
from podium.settings import Settings
from podium.web.runtime import Runtime

T = TypeVar("T")
database_option = click.option(
    "--database-url", help="SQLAlchemy URL (PODIUM_DATABASE_URL; default: a SQLite file)."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


def checked_settings(database_url: str | None, **overrides: Any) -> Settings:
    """The checked settings (SettingError: exit 2), the database reached (or one line)."""
    settings = Settings.from_env(database_url=database_url, **overrides)
    reach_database(settings.database_url)
    return settings


def in_transaction(settings: Settings, work: Callable[[Runtime, Session], T]) -> T:
    runtime = Runtime.build(settings)
    try:
        return runtime.run(lambda session: work(runtime, session), writes=True)
    except NotFound as error:
        raise click.ClickException(str(error)) from None
    finally:
        runtime.engine.dispose()


def echo(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data))
        return
    for key, value in data.items():
        click.echo(f"{key}: {value}")
