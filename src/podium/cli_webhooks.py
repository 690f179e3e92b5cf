"""`podium webhook add | list | remove | validate | send-pending`: webhook subscriptions and
the webhook outbox, on the database directly (a running server picks changes up within a
second). Addresses: loopback and private ones only with PODIUM_WEBHOOK_ALLOW_PRIVATE=1 (or
PODIUM_SANDBOX=1)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from podium.db import migrate
from podium.errors import ZoomError
from podium.services import webhook_subscriptions
from podium.services.webhook_payloads import EVENTS
from podium.settings import Settings
from podium.web.runtime import Runtime

T = TypeVar("T")
database_option = click.option(
    "--database-url", envvar="PODIUM_DATABASE_URL", help="SQLAlchemy URL (default: SQLite file)."
)
account_option = click.option("--account-id", required=True, type=int)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _runtime(database_url: str | None) -> Runtime:
    settings = Settings.from_env(database_url=database_url)
    migrate.upgrade(settings.database_url)
    return Runtime.build(settings)


def _with_worker(
    database_url: str | None, work: Callable[[Runtime, Any], Coroutine[Any, Any, T]]
) -> T:
    """`work(runtime, worker)` on the event loop; ZoomErrors become the command's error."""
    from podium.web.webhook_worker import WebhookWorker  # aiohttp only when sending

    runtime = _runtime(database_url)

    async def run() -> T:
        worker = WebhookWorker(runtime)
        try:
            return await work(runtime, worker)
        finally:
            await worker.client.close()

    try:
        return asyncio.run(run())
    except ZoomError as error:
        raise click.ClickException(str(error)) from None
    finally:
        runtime.engine.dispose()


def _in_transaction(database_url: str | None, work: Callable[[Session], T]) -> T:
    runtime = _runtime(database_url)
    try:
        result = runtime.run(work, writes=True)
    except ZoomError as error:
        raise click.ClickException(str(error)) from None
    finally:
        runtime.engine.dispose()
    return result


def _show(item: dict[str, Any]) -> str:
    return f"{item['id']}  {item['status']:11}  {item['url']}  {','.join(item['events'])}"


@click.group()
def webhook() -> None:
    """Webhook subscriptions (Zoom-signed event notifications) and their outbox."""


@webhook.command("add")
@account_option
@click.option("--url", required=True, help="The endpoint (it must pass Zoom's URL validation).")
@click.option(
    "--secret-token",
    envvar="PODIUM_WEBHOOK_SECRET_TOKEN",
    required=True,
    help="The secret token that signs every request (or PODIUM_WEBHOOK_SECRET_TOKEN).",
)
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(EVENTS),
    help="An event to receive (repeat it); none: every event.",
)
@database_option
@json_option
def webhook_add(
    account_id: int,
    url: str,
    secret_token: str,
    events: tuple[str, ...],
    database_url: str | None,
    as_json: bool,
) -> None:
    """Validate an endpoint as Zoom does, then subscribe it to the account's events."""
    from podium.web.webhook_admin import add_subscription

    document: dict[str, Any] = {"url": url, "secret_token": secret_token}
    if events:
        document["events"] = list(events)
    try:
        new = webhook_subscriptions.parse_subscription(document)
    except ZoomError as error:
        raise click.ClickException(str(error)) from None
    created = _with_worker(
        database_url, lambda runtime, worker: add_subscription(runtime, worker, account_id, new)
    )
    click.echo(json.dumps(created) if as_json else _show(created))


@webhook.command("list")
@account_option
@database_option
@json_option
def webhook_list(account_id: int, database_url: str | None, as_json: bool) -> None:
    """The account's subscriptions (never their secret tokens)."""
    found = _in_transaction(
        database_url,
        lambda session: [
            webhook_subscriptions.view(item)
            for item in webhook_subscriptions.listing(session, account_id)
        ],
    )
    if as_json:
        click.echo(json.dumps(found))
        return
    for item in found:
        click.echo(_show(item))


@webhook.command("remove")
@account_option
@click.option("--id", "webhook_id", required=True, help="The subscription's id.")
@database_option
def webhook_remove(account_id: int, webhook_id: str, database_url: str | None) -> None:
    """Stop sending to a subscription (what it was still owed is given up)."""
    runtime = _runtime(database_url)
    now = runtime.context.clock.now()
    try:
        runtime.run(
            lambda s: webhook_subscriptions.remove(s, account_id, webhook_id, now=now),
            writes=True,
        )
    except ZoomError as error:
        raise click.ClickException(str(error)) from None
    finally:
        runtime.engine.dispose()
    click.echo(f"removed {webhook_id}")


@webhook.command("work")
@database_option
def webhook_work(database_url: str | None) -> None:
    """Deliver webhooks until standard input closes (each line read wakes it); what `podium
    serve` runs beside itself (PODIUM_WEBHOOK_WORKER=process)."""
    from podium.web.webhook_process import work_until_stdin_closes

    runtime = _runtime(database_url)
    try:
        asyncio.run(work_until_stdin_closes(runtime))
    finally:
        runtime.engine.dispose()


@webhook.command("send-pending")
@database_option
def webhook_send_pending(database_url: str | None) -> None:
    """Send every delivery (and URL validation) that is due, then exit (for cron; `podium
    serve` does it itself)."""

    async def work(_runtime: Runtime, worker: Any) -> dict[str, int]:
        await worker.run_until_idle()
        return dict(worker.report)

    report = _with_worker(database_url, work)
    click.echo(f"sent {report['sent']}, retrying {report['pending']}, failed {report['failed']}")
