"""The e-mail worker of `podium serve` (when PODIUM_SMTP_URL is set), and the outbox page."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.db.models import OutboxMessage
from podium.errors import ZoomError
from podium.web.pages import Pages
from podium.web.runtime import Runtime

if TYPE_CHECKING:  # the mail stack (Babel, iCalendar, aiosmtplib) loads when first used
    from podium.mail.delivery import Delivery
    from podium.mail.render import MailContext, Rendered
    from podium.web.health import Liveness

log = logging.getLogger("podium.mail")
POLL_SECONDS = 1.0
PAGE_SIZE = 200


def mail_context(runtime: Runtime) -> MailContext:
    from podium.mail.render import MailContext

    settings = runtime.settings
    return MailContext(settings.public_url, runtime.context.issuer.key, settings.mail_from)


def delivery_for(runtime: Runtime, smtp_url: str) -> Delivery:
    from podium.mail.delivery import Delivery, SmtpTarget

    return Delivery(
        runtime,
        mail_context(runtime),
        runtime.context.clock,
        SmtpTarget.from_url(smtp_url),
        retry_base=timedelta(seconds=runtime.settings.mail_retry_seconds),
    )


@asynccontextmanager
async def mail_worker(runtime: Runtime, liveness: Liveness | None = None) -> AsyncIterator[None]:
    """Deliver the outbox in the background while the app runs (nothing without SMTP);
    /readyz watches it as "mail"."""
    smtp_url = runtime.settings.smtp_url
    if smtp_url is None:
        yield
        return
    delivery = delivery_for(runtime, smtp_url)

    async def forever() -> None:
        while True:
            try:
                await delivery.run_until_idle()
            except SQLAlchemyError:  # the database is busy or away: try again shortly
                log.exception("mail delivery round failed")
            await asyncio.sleep(POLL_SECONDS)

    task = asyncio.create_task(forever())
    if liveness is not None:
        liveness.watch("mail", task)
    try:
        yield
    finally:
        task.cancel()


def recent_messages(session: Session, status: str | None, limit: int) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = list(session.execute(query).scalars())
    session.expunge_all()
    return rows


class OutboxPage:
    """GET /podium/outbox: what was (or would have been) sent. Guarded like /podium/api."""

    def __init__(
        self, runtime: Runtime, pages: Pages, authorize: Callable[[Request], None]
    ) -> None:
        self.runtime = runtime
        self.pages = pages
        self.authorize = authorize

    def routes(self) -> list[Route]:
        return [Route("/podium/outbox", self.show, methods=["GET"])]

    async def show(self, request: Request) -> Response:
        try:
            self.authorize(request)
        except ZoomError as error:
            return self.pages.refused(request, error)
        from podium.mail.render import render

        status = request.query_params.get("status") or None
        rows = self.runtime.run(lambda s: recent_messages(s, status, PAGE_SIZE), writes=False)
        context = mail_context(self.runtime)
        now = self.runtime.context.clock.now()
        shown: list[tuple[OutboxMessage, Rendered]] = [
            (row, render(row, context, now=now)) for row in rows
        ]
        return self.pages.render(
            request,
            "outbox.html",
            {
                "messages": shown,
                "status": status,
                "smtp": self.runtime.settings.smtp_url is not None,
            },
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
