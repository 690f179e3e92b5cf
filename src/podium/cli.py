"""The `podium` command: serve and config (cli_serve.py), db upgrade, account create/set,
user add, key rotate, export/import/backup, seed, journal, mail (cli_mail.py), webhook
(cli_webhooks.py)."""

from __future__ import annotations

import itertools
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from podium import __version__
from podium.cli_common import (
    checked_settings,
    database_option,
    echo,
    in_transaction,
    json_option,
)
from podium.cli_mail import mail
from podium.cli_serve import config, serve
from podium.cli_webhooks import webhook
from podium.db import migrate, transfer
from podium.db.engine import make_engine
from podium.errors import InvalidParameter, ZoomError
from podium.services import accounts, sign_in
from podium.settings import SettingError
from podium.web.runtime import Runtime


@click.group()
@click.version_option(__version__, prog_name="podium", message="%(prog)s %(version)s")
def podium() -> None:
    """Podium: a self-hosted webinar server speaking Zoom's REST API webinar dialects (v1, v2)."""


podium.add_command(serve)
podium.add_command(config)
podium.add_command(mail)


@podium.group()
def db() -> None:
    """Database schema."""


@db.command()
@database_option
def upgrade(database_url: str | None) -> None:
    """Upgrade the database to the newest schema."""
    settings = checked_settings(database_url)
    migrate.upgrade(settings.database_url)
    click.echo("database is at the newest schema")


@podium.group()
def account() -> None:
    """Accounts."""


@account.command("create")
@click.option("--name", required=True)
@click.option("--host-email", required=True)
@database_option
@json_option
def account_create(name: str, host_email: str, database_url: str | None, as_json: bool) -> None:
    """Create an account, its first webinar host and an API key pair."""
    settings = checked_settings(database_url)
    migrate.upgrade(settings.database_url)
    runtime = Runtime.build(settings)
    try:
        created = runtime.new_account(name=name, host_email=host_email)
    finally:
        runtime.engine.dispose()
    echo(vars(created), as_json)


@account.command("set")
@click.option("--account-id", required=True, type=int)
@click.option("--capacity", type=click.IntRange(1, 1_000_000), required=True)
@database_option
@json_option
def account_set(account_id: int, capacity: int, database_url: str | None, as_json: bool) -> None:
    """Change an account's webinar capacity (attendees per webinar)."""

    def work(_runtime: Runtime, session: Session) -> dict[str, Any]:
        found = accounts.set_capacity(session, account_id, capacity)
        return {"account_id": found.id, "capacity": found.capacity}

    echo(in_transaction(checked_settings(database_url), work), as_json)


@podium.group()
def user() -> None:
    """Host users."""


@user.command("add")
@click.option("--account-id", required=True, type=int)
@click.option("--email", required=True)
@click.option("--no-webinar", is_flag=True, help="The user may not host webinars.")
@database_option
@json_option
def user_add(
    account_id: int, email: str, no_webinar: bool, database_url: str | None, as_json: bool
) -> None:
    """Add a host user to an account."""

    def work(runtime: Runtime, session: Session) -> dict[str, Any]:
        added = accounts.add_user(
            session,
            account_id,
            email=email,
            has_webinar=not no_webinar,
            ids=runtime.context.issuer.ids,
            now=runtime.context.clock.now(),
        )
        return {"host_id": added.host_id}

    echo(in_transaction(checked_settings(database_url), work), as_json)


@user.command("password")
@click.option("--email", required=True, help="The host's e-mail (their dashboard sign-in).")
@click.option("--account-id", type=int, help="Needed when several accounts have that e-mail.")
@click.option("--generate", is_flag=True, help="Make up a password and print it.")
@database_option
def user_password(
    email: str, account_id: int | None, generate: bool, database_url: str | None
) -> None:
    """Set a host's dashboard password: read from stdin (one line), or made up with
    --generate and printed once. Every dashboard session of that host ends."""
    password = sign_in.generate_password() if generate else sys.stdin.readline().rstrip("\r\n")

    def work(runtime: Runtime, session: Session) -> None:
        users = sign_in.users_by_email(session, email)
        if account_id is not None:
            users = [u for u in users if u.account_id == account_id]
        if not users:
            raise click.ClickException(f"No host has the e-mail {email}.")
        if len(users) > 1:
            raise click.ClickException(
                f"{len(users)} accounts have a host with this e-mail: add --account-id."
            )
        try:
            sign_in.set_password(session, users[0], password, now=runtime.context.clock.now())
        except InvalidParameter as error:
            raise click.ClickException(str(error)) from None

    in_transaction(checked_settings(database_url), work)
    if generate:
        click.echo(password)
    else:
        click.echo(f"The password of {email} is set.", err=True)


@podium.group()
def key() -> None:
    """API key pairs."""


@key.command("rotate")
@click.option("--account-id", required=True, type=int)
@database_option
@json_option
def key_rotate(account_id: int, database_url: str | None, as_json: bool) -> None:
    """Issue a new API key pair; the old one stops working at once."""

    def work(runtime: Runtime, session: Session) -> dict[str, Any]:
        pair = accounts.rotate_key(
            session,
            account_id,
            key=runtime.context.issuer.key,
            ids=runtime.context.issuer.ids,
            now=runtime.context.clock.now(),
        )
        return {"account_id": account_id, **vars(pair)}

    echo(in_transaction(checked_settings(database_url), work), as_json)


@podium.command("export")
@database_option
def export_command(database_url: str | None) -> None:
    """Write the whole database as JSON lines to standard output."""
    settings = checked_settings(database_url)
    engine = make_engine(settings.database_url)
    try:
        lines = transfer.export_lines(engine)
        header = next(lines)
        click.echo(header)
        total = int(json.loads(header)["rows"])
        with _progress(total, "exporting") as advance:
            for line in lines:
                click.echo(line)
                advance(1)
    finally:
        engine.dispose()


@podium.command("import")
@database_option
def import_command(database_url: str | None) -> None:
    """Load an export (standard input) into an empty database, migrating it first."""
    settings = checked_settings(database_url)
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    stream = sys.stdin
    first = stream.readline()
    try:
        total = int(json.loads(first).get("rows", 0)) if first.strip() else 0
    except (ValueError, AttributeError):
        total = 0
    try:
        with _progress(total, "importing") as advance:
            loaded = transfer.import_lines(
                engine, itertools.chain([first], stream), progress=advance
            )
    except transfer.TransferError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    click.echo(f"imported {loaded} rows", err=True)


@podium.command()
@database_option
@click.option(
    "--to",
    "destination",
    required=True,
    type=click.Path(path_type=Path),
    help="A new file for the copy.",
)
def backup(database_url: str | None, destination: Path) -> None:
    """Copy a live SQLite database consistently (PostgreSQL: use pg_dump)."""
    settings = checked_settings(database_url)
    try:
        transfer.backup_sqlite(settings.database_url, destination)
    except transfer.TransferError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {destination}")


@podium.command("seed")
@click.argument("document", type=click.File("rb"))
@database_option
@json_option
def seed_command(document: Any, database_url: str | None, as_json: bool) -> None:
    """Create accounts, webinars, registrants, panelists and polls from a JSON or YAML file
    (docs/management-api.md shows the format). One transaction: all or nothing."""
    import yaml

    from podium.api.seed import seed

    try:
        data = yaml.safe_load(document.read())  # YAML is a superset of JSON
    except yaml.YAMLError as error:
        raise click.ClickException(f"{document.name} is neither JSON nor YAML: {error}") from None
    settings = checked_settings(database_url)
    migrate.upgrade(settings.database_url)

    def work(runtime: Runtime, session: Session) -> dict[str, Any]:
        return seed(session, runtime.context, data)

    try:
        created = in_transaction(settings, work)
    except ZoomError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(created))
        return
    for item in created["accounts"]:
        click.echo(
            f"account {item['account_id']}: api_key {item['api_key']} "
            f"api_secret {item['api_secret']} host_id {item['host_id']} "
            f"webinars {' '.join(str(w['id']) for w in item['webinars']) or '-'}"
        )


@podium.command("journal")
@click.option(
    "--url",
    envvar="PODIUM_URL",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="The running server.",
)
@click.option(
    "--token", envvar="PODIUM_ADMIN_TOKEN", help="Management token, if the server has one."
)
@click.option("--action", help="Only calls of this v1 action, e.g. webinar/register.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@json_option
def journal_command(
    url: str, token: str | None, action: str | None, limit: int, as_json: bool
) -> None:
    """The last v1 calls a running server received (secrets redacted)."""
    query = urllib.parse.urlencode({"limit": limit, **({"action": action} if action else {})})
    request = urllib.request.Request(f"{url.rstrip('/')}/podium/api/journal?{query}")  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            calls = json.load(answer)["calls"]
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        raise click.ClickException(f"{url} refused: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        raise click.ClickException(f"cannot reach {url}: {error}") from None
    if as_json:
        click.echo(json.dumps(calls))
        return
    click.echo(f"{'time':20}  {'action':28}  {'result':>6}  {'ms':>8}  parameters")
    for call in calls:
        result = "ok" if call["code"] is None else str(call["code"])
        shown = " ".join(f"{k}={v}" for k, v in call["params"].items() if k != "api_secret")
        click.echo(
            f"{call['at']:20}  {call['action'][:28]:28}  {result:>6}  "
            f"{call['duration_ms']:8.1f}  {shown[:80]}"
        )


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal (standard error); silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda _count: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


podium.add_command(webhook)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; the exit code is returned, not raised."""
    try:
        podium.main(
            args=list(argv) if argv is not None else None, prog_name="podium", standalone_mode=False
        )
    except SettingError as error:  # one line: the variable, the problem, the expected form
        click.echo(f"podium: {error}", err=True)
        return 2
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    return 0
