"""The dashboard's webhook pages (the owner's), through the management API's own steps
(web/webhook_admin.add_subscription: the address checked, the endpoint validated, then saved).

    GET  /manage/account/webhooks                    the account's webhooks
    POST /manage/account/webhooks                    add one
    GET  /manage/account/webhooks/{id}               its recent deliveries
    POST /manage/account/webhooks/{id}/validate      validate it again now
    POST /manage/account/webhooks/{id}/remove        remove it
    POST /manage/account/webhooks/{id}/deliveries/{delivery_id}/retry
                                                     a failed delivery: one more attempt now
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.errors import InvalidParameter, MissingParameter, NotFound, ZoomError
from podium.services import webhook_outbox, webhook_subscriptions
from podium.services.sign_in import SignedIn
from podium.services.webhook_payloads import EVENTS
from podium.web.manage_pages import ManagePages, done, owner_form, owner_page
from podium.web.webhook_admin import add_subscription
from podium.web.webhook_process import Webhooks

DELIVERIES_SHOWN = 50


class WebhookPages:
    def __init__(self, manage: ManagePages, webhooks: Webhooks) -> None:
        self.manage = manage
        self.webhooks = webhooks

    def routes(self) -> list[Route]:
        base = "/manage/account/webhooks"
        return [
            Route(base, self.listing, methods=["GET", "POST"]),
            Route(base + "/{webhook_id}", self.deliveries, methods=["GET"]),
            Route(base + "/{webhook_id}/validate", self.validate, methods=["POST"]),
            Route(base + "/{webhook_id}/remove", self.remove, methods=["POST"]),
            Route(
                base + "/{webhook_id}/deliveries/{delivery_id:int}/retry",
                self.retry,
                methods=["POST"],
            ),
        ]

    @owner_page
    async def listing(self, request: Request, signed: SignedIn) -> Response:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {"events": list(EVENTS)}
        if request.method == "POST":
            form = await self.manage.checked_form(request, signed)
            if isinstance(form, Response):
                return form
            chosen = [str(v) for v in form.getlist("events")]
            values = {"url": str(form.get("url", "")), "events": chosen}
            try:
                new = webhook_subscriptions.parse_subscription(
                    {
                        "url": values["url"].strip() or None,
                        "secret_token": str(form.get("secret_token", "")) or None,
                        "events": chosen,
                    }
                )
                await add_subscription(self.manage.runtime, self.webhooks, signed.account_id, new)
                return done("/manage/account/webhooks", "webhook_added")
            except (InvalidParameter, MissingParameter) as error:
                errors[str(error.context.get("name", "url"))] = str(error)
            except ZoomError as error:
                errors["url"] = str(error)
        hooks = self.manage.read(
            lambda s: [
                webhook_subscriptions.view(h)
                for h in webhook_subscriptions.listing(s, signed.account_id)
            ]
        )
        return self.manage.render(
            request,
            "manage/webhooks.html",
            {"hooks": hooks, "all_events": EVENTS, "errors": errors, "values": values},
            signed,
            status=400 if errors else 200,
        )

    @owner_page
    async def deliveries(self, request: Request, signed: SignedIn) -> Response:
        webhook_id = request.path_params["webhook_id"]

        def work(session: Session) -> dict[str, Any]:
            found = webhook_subscriptions.find(session, signed.account_id, webhook_id)
            shown = webhook_outbox.recent(session, found.id, limit=DELIVERIES_SHOWN)
            return {"hook": webhook_subscriptions.view(found), "deliveries": shown}

        return self.manage.page(request, signed, "manage/webhook.html", work, missing=NotFound)

    @owner_form
    async def validate(self, request: Request, signed: SignedIn, _form: FormData) -> Response:
        webhook_id = request.path_params["webhook_id"]
        key = self.manage.runtime.context.issuer.key

        def target(session: Session) -> tuple[int, str, str]:
            found = webhook_subscriptions.find(session, signed.account_id, webhook_id)
            secret = webhook_subscriptions.open_secret(key, webhook_id, found.secret_token)
            return found.id, found.url, secret

        try:
            pk, url, secret = self.manage.read(target)
        except NotFound:
            return self.manage.not_found(request, signed)
        error = await self.webhooks.validate(url, secret)
        now = self.manage.now()
        await self.manage.write(
            lambda s: webhook_subscriptions.record_validation(s, pk, error=error, now=now)
        )
        self.manage.runtime.webhook_subscriptions_changed()
        notice = "webhook_validated" if error is None else "webhook_not_validated"
        return done(f"/manage/account/webhooks/{webhook_id}", notice)

    @owner_form
    async def remove(self, request: Request, signed: SignedIn, _form: FormData) -> Response:
        webhook_id, now = request.path_params["webhook_id"], self.manage.now()
        try:
            await self.manage.write(
                lambda s: webhook_subscriptions.remove(s, signed.account_id, webhook_id, now=now)
            )
        except NotFound:
            return self.manage.not_found(request, signed)
        self.manage.runtime.webhook_subscriptions_changed()
        return done("/manage/account/webhooks", "webhook_removed")

    @owner_form
    async def retry(self, request: Request, signed: SignedIn, _form: FormData) -> Response:
        webhook_id, delivery_id = (
            request.path_params["webhook_id"],
            request.path_params["delivery_id"],
        )
        now = self.manage.now()

        def work(session: Session) -> bool:
            found = webhook_subscriptions.find(session, signed.account_id, webhook_id)
            return webhook_outbox.retry_failed(session, found.id, delivery_id, now=now)

        try:
            retried = await self.manage.write(work)
        except NotFound:
            return self.manage.not_found(request, signed)
        notice = "delivery_retried" if retried else "delivery_not_failed"
        return done(f"/manage/account/webhooks/{webhook_id}", notice)
