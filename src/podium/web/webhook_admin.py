"""The management API's webhook routes (/podium/api/accounts/{account_id}/webhooks), guarded
like the rest of /podium/api (web/admin.py):

    POST   …/webhooks                      {"url", "secret_token", "events"} → 201 subscription
    GET    …/webhooks                      {"webhooks": [subscription, …]}
    GET    …/webhooks/{id}                 subscription
    DELETE …/webhooks/{id}                 204
    POST   …/webhooks/{id}/validate        validate again now → subscription (or 422)
    GET    …/webhooks/{id}/deliveries      {"deliveries": [...]}, newest first (?limit, ?status)
    POST   …/webhooks/{id}/deliveries/{delivery_id}/retry
                                           a failed delivery due again now → 202 {"id", "status"}
                                           (404 when it is not a failed one of this webhook)

A new endpoint is refused at once (400) when its address is not allowed, and is saved only
once it passed Zoom's URL validation (422 with what it answered otherwise).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from podium.codes import DeliveryStatus
from podium.errors import InvalidParameter, NotFound, WebhookNotValidated
from podium.numbers import ascii_int
from podium.services import webhook_outbox, webhook_subscriptions
from podium.services.webhook_subscriptions import NewSubscription
from podium.web.forms import read_body
from podium.web.runtime import Runtime
from podium.web.webhook_process import Webhooks

Endpoint = Callable[[Request], Awaitable[Response]]
MAX_BODY = 16 * 1024
MAX_LISTED = 1000


def account_number(text: str) -> int:
    number = ascii_int(text, max_digits=12)
    if number is None:
        raise NotFound(what="account", key=text[:40])
    return number


async def add_subscription(
    runtime: Runtime, worker: Webhooks, account_id: int, new: NewSubscription
) -> dict[str, Any]:
    """Check the address, validate the endpoint, then save it (what POST and the CLI do)."""
    runtime.run(lambda s: webhook_subscriptions.check_room(s, account_id), writes=False)
    await worker.client.check_address(new.url)
    error = await worker.validate(new.url, new.secret_token)
    if error is not None:
        raise WebhookNotValidated(reason=error)
    context = runtime.context

    def work(session: Session) -> dict[str, Any]:
        created = webhook_subscriptions.create(
            session,
            account_id,
            new,
            key=context.issuer.key,
            ids=context.issuer.ids,
            now=context.clock.now(),
        )
        return webhook_subscriptions.view(created)

    created = runtime.run(work, writes=True)
    runtime.webhook_subscriptions_changed()
    return created


class WebhookAdmin:
    def __init__(self, runtime: Runtime, worker: Webhooks) -> None:
        self.runtime = runtime
        self.worker = worker

    def routes(self, guard: Callable[[Endpoint], Endpoint]) -> list[Route]:
        base = "/podium/api/accounts/{account_id}/webhooks"
        return [
            Route(base, guard(self.collection), methods=["GET", "POST"]),
            Route(base + "/{webhook_id}", guard(self.one), methods=["GET", "DELETE"]),
            Route(base + "/{webhook_id}/validate", guard(self.validate), methods=["POST"]),
            Route(base + "/{webhook_id}/deliveries", guard(self.deliveries), methods=["GET"]),
            Route(
                base + "/{webhook_id}/deliveries/{delivery_id}/retry",
                guard(self.retry),
                methods=["POST"],
            ),
        ]

    async def collection(self, request: Request) -> Response:
        account_id = account_number(request.path_params["account_id"])
        if request.method == "POST":
            raw = await read_body(request, limit=MAX_BODY)
            try:
                data = json.loads(raw) if raw.strip() else None
            except ValueError:
                raise InvalidParameter(name="body", reason="It is not valid JSON.") from None
            new = webhook_subscriptions.parse_subscription(data)
            created = await add_subscription(self.runtime, self.worker, account_id, new)
            return JSONResponse(created, 201)
        found = self.runtime.run(
            lambda s: [
                webhook_subscriptions.view(item)
                for item in webhook_subscriptions.listing(s, account_id)
            ],
            writes=False,
        )
        return JSONResponse({"webhooks": found})

    async def one(self, request: Request) -> Response:
        account_id = account_number(request.path_params["account_id"])
        webhook_id = request.path_params["webhook_id"]
        if request.method == "DELETE":
            now = self.runtime.context.clock.now()
            self.runtime.run(
                lambda s: webhook_subscriptions.remove(s, account_id, webhook_id, now=now),
                writes=True,
            )
            self.runtime.webhook_subscriptions_changed()
            return Response(status_code=204)
        found = self.runtime.run(
            lambda s: webhook_subscriptions.view(
                webhook_subscriptions.find(s, account_id, webhook_id)
            ),
            writes=False,
        )
        return JSONResponse(found)

    async def validate(self, request: Request) -> Response:
        """Validate now; the outcome is recorded either way (a failure: 422)."""
        account_id = account_number(request.path_params["account_id"])
        webhook_id = request.path_params["webhook_id"]
        key = self.runtime.context.issuer.key

        def target(session: Session) -> tuple[int, str, str]:
            found = webhook_subscriptions.find(session, account_id, webhook_id)
            secret = webhook_subscriptions.open_secret(key, webhook_id, found.secret_token)
            return found.id, found.url, secret

        pk, url, secret = self.runtime.run(target, writes=False)
        error = await self.worker.validate(url, secret)
        now = self.runtime.context.clock.now()

        def outcome(session: Session) -> dict[str, Any]:
            recorded = webhook_subscriptions.record_validation(session, pk, error=error, now=now)
            if recorded is None:
                raise NotFound(what="webhook subscription", key=webhook_id[:40])
            return webhook_subscriptions.view(recorded)

        shown = self.runtime.run(outcome, writes=True)
        self.runtime.webhook_subscriptions_changed()
        if error is not None:
            raise WebhookNotValidated(reason=error)
        return JSONResponse(shown)

    async def deliveries(self, request: Request) -> Response:
        account_id = account_number(request.path_params["account_id"])
        webhook_id = request.path_params["webhook_id"]
        limit_text = request.query_params.get("limit", "50")
        limit = ascii_int(limit_text, max_digits=5)
        if not limit or limit > MAX_LISTED:
            raise InvalidParameter(name="limit", reason=f"A whole number from 1 to {MAX_LISTED}.")
        status = request.query_params.get("status") or None
        if status is not None and status not in set(DeliveryStatus):
            raise InvalidParameter(name="status", reason="pending, sent or failed.")

        def work(session: Session) -> list[dict[str, Any]]:
            found = webhook_subscriptions.find(session, account_id, webhook_id)
            return webhook_outbox.recent(session, found.id, limit=limit, status=status)

        return JSONResponse({"deliveries": self.runtime.run(work, writes=False)})

    async def retry(self, request: Request) -> Response:
        account_id = account_number(request.path_params["account_id"])
        webhook_id = request.path_params["webhook_id"]
        delivery_id = ascii_int(request.path_params["delivery_id"], max_digits=12)
        now = self.runtime.context.clock.now()

        def work(session: Session) -> bool:
            found = webhook_subscriptions.find(session, account_id, webhook_id)
            return delivery_id is not None and webhook_outbox.retry_failed(
                session, found.id, delivery_id, now=now
            )

        if not self.runtime.run(work, writes=True):
            raise NotFound(what="failed delivery", key=request.path_params["delivery_id"][:40])
        return JSONResponse({"id": delivery_id, "status": DeliveryStatus.PENDING}, status_code=202)
