"""`podium mail send-pending | list`: the e-mail outbox, on the database directly."""

from __future__ import annotations

import json

import click

from podium.cli_common import checked_settings, database_option, json_option
from podium.db import migrate
from podium.web.runtime import Runtime


@click.group()
def mail() -> None:
    """The e-mail outbox."""


@mail.command("send-pending")
@database_option
@click.option(
    "--smtp-url",
    envvar="PODIUM_SMTP_URL",
    required=True,
    help="smtp://user:pass@host:587?starttls=1",
)
@click.option("--public-url", envvar="PODIUM_PUBLIC_URL", help="Base of the links in the messages.")
def mail_send_pending(database_url: str | None, smtp_url: str, public_url: str | None) -> None:
    """Send every message that is due, then exit (for cron; `podium serve` does it itself)."""
    import asyncio

    from podium.web.mailer import delivery_for

    settings = checked_settings(database_url, public_url=public_url)
    migrate.upgrade(settings.database_url)
    runtime = Runtime.build(settings)
    try:
        delivery = delivery_for(runtime, smtp_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    try:
        report = asyncio.run(delivery.run_until_idle())
    finally:
        runtime.engine.dispose()
    click.echo(f"sent {report.sent}, retrying {report.retried}, failed {report.failed}")


@mail.command("list")
@database_option
@click.option("--status", type=click.Choice(["pending", "sent", "failed"]))
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@json_option
def mail_list(database_url: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """The newest messages of the outbox: recipient, kind, status, subject."""
    from podium.mail.render import render
    from podium.web.mailer import mail_context, recent_messages

    settings = checked_settings(database_url)
    runtime = Runtime.build(settings)
    try:
        rows = runtime.run(lambda session: recent_messages(session, status, limit), writes=False)
        context, now = mail_context(runtime), runtime.context.clock.now()
        shown = [(row, render(row, context, now=now)) for row in rows]
    finally:
        runtime.engine.dispose()
    items = [
        {
            "id": row.id,
            "created_at": row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "kind": row.kind,
            "to": row.recipient,
            "language": rendered.language,
            "status": row.status,
            "attempts": row.attempts,
            "subject": rendered.subject,
            "last_error": row.last_error,
        }
        for row, rendered in shown
    ]
    if as_json:
        click.echo(json.dumps(items))
        return
    for item in items:
        click.echo(
            f"{item['id']:>6}  {item['created_at']}  {item['status']:7}  {item['kind']:22}  "
            f"{item['to']}  {item['subject']}"
        )
