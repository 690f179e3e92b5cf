"""The dashboard's account pages.

GET  /manage/account                         profile (time zone), API key (owner)
POST /manage/account/timezone                the host's time zone
POST /manage/account/key                     a new key pair (owner; `confirm` needed):
                                             the new secret is shown once, on the answer
GET  /manage/account/users                   the account's hosts (owner)
POST /manage/account/users                   add a host: a password is made and shown once
POST /manage/account/users/{host_id}/password  a new password for a host, shown once
GET  /manage/account/outbox                  the e-mails about the viewer's webinars
GET  /manage/account/webhooks                the account's webhooks (owner)
POST /manage/account/webhooks                add one (validated like the API's)
POST /manage/account/webhooks/{id}/remove    remove one
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.api.params import known_timezones
from podium.api.webinar_params import valid_email
from podium.db.models import User
from podium.errors import InvalidParameter
from podium.services import accounts, dashboard, sign_in
from podium.services.dashboard import Scope
from podium.services.sign_in import SignedIn
from podium.services.webhook_subscriptions import NewSubscription
from podium.web.mailer import mail_context
from podium.web.manage_pages import (
    N_,
    ManagePages,
    done,
    owner_page,
    page_number,
    signed_form,
    signed_page,
)


def scope_of(signed: SignedIn) -> Scope:
    return Scope(signed.account_id, None if signed.is_owner else signed.user_id)


class AccountPages:
    def __init__(self, manage: ManagePages) -> None:
        self.manage = manage

    def routes(self) -> list[Route]:
        base = "/manage/account"
        return [
            Route(base, self.show, methods=["GET"]),
            Route(base + "/timezone", self.timezone, methods=["POST"]),
            Route(base + "/key", self.rotate, methods=["POST"]),
            Route(base + "/users", self.users, methods=["GET", "POST"]),
            Route(base + "/users/{host_id}/password", self.reset_password, methods=["POST"]),
            Route(base + "/outbox", self.outbox, methods=["GET"]),
        ]

    # -- profile and key ---------------------------------------------------------------------

    def _account_page(
        self, request: Request, signed: SignedIn, status: int = 200, **extra: Any
    ) -> Response:
        def work(session: Session) -> dict[str, Any]:
            account = accounts.get_account(session, signed.account_id)
            key = dashboard.live_api_key(session, signed.account_id)
            return {
                "account_name": account.name,
                "capacity": account.capacity,
                "api_key": key.api_key if key else "",
            }

        context = {**self.manage.read(work), "zones": sorted(known_timezones()), **extra}
        return self.manage.render(request, "manage/account.html", context, signed, status=status)

    @signed_page
    async def show(self, request: Request, signed: SignedIn) -> Response:
        return self._account_page(request, signed)

    @signed_form
    async def timezone(self, request: Request, signed: SignedIn, form: FormData) -> Response:
        zone = str(form.get("timezone", ""))
        if zone not in known_timezones():
            return self._account_page(
                request, signed, 400, errors={"timezone": N_("Choose a time zone from the list.")}
            )

        def work(session: Session) -> None:
            session.execute(update(User).where(User.id == signed.user_id).values(timezone=zone))

        await self.manage.write(work)
        return done("/manage/account", "timezone_saved")

    @signed_form
    async def rotate(self, request: Request, signed: SignedIn, form: FormData) -> Response:
        if not signed.is_owner:
            return self.manage.not_found(request, signed)
        if form.get("confirm") != "yes":
            return self._account_page(
                request,
                signed,
                400,
                errors={"confirm": N_("Tick the box to confirm: scripts using the old key stop.")},
            )
        context = self.manage.runtime.context
        pair = await self.manage.write(
            lambda s: accounts.rotate_key(
                s,
                signed.account_id,
                key=context.issuer.key,
                ids=context.issuer.ids,
                now=context.clock.now(),
            )
        )
        return self._account_page(request, signed, new_secret=pair.api_secret, notice_key="rotated")

    # -- users (owner) -----------------------------------------------------------------------

    @owner_page
    async def users(self, request: Request, signed: SignedIn) -> Response:
        shown: dict[str, Any] = {}
        status = 200
        if request.method == "POST":
            form = await self.manage.checked_form(request, signed)
            if isinstance(form, Response):
                return form
            try:
                email = valid_email(str(form.get("email", "")).strip(), "email")
                password = sign_in.generate_password()
                context = self.manage.runtime.context

                def add(session: Session) -> None:
                    user = accounts.add_user(
                        session,
                        signed.account_id,
                        email=email,
                        has_webinar=True,
                        ids=context.issuer.ids,
                        now=context.clock.now(),
                    )
                    sign_in.set_password(session, user, password, now=context.clock.now())

                await self.manage.write(add)
                shown = {"new_password": password, "for_email": email, "notice_key": "user_added"}
            except InvalidParameter:
                shown = {"errors": {"email": N_("Enter a valid e-mail address.")}}
                status = 400
            except Exception as error:  # the unique (account, e-mail) key
                if "unique" not in str(error).lower():
                    raise
                shown = {
                    "errors": {"email": N_("This account already has a host with this e-mail.")}
                }
                status = 400
        return self._users_page(request, signed, status, **shown)

    def _users_page(
        self, request: Request, signed: SignedIn, status: int = 200, **extra: Any
    ) -> Response:
        users = self.manage.read(
            lambda s: [
                {
                    "host_id": u.host_id,
                    "email": u.email,
                    "has_password": u.password_hash is not None,
                    "is_owner": u.id == signed.user_id,
                }
                for u in accounts.list_users(s, signed.account_id)
            ]
        )
        return self.manage.render(
            request, "manage/users.html", {"users": users, **extra}, signed, status=status
        )

    @signed_form
    async def reset_password(self, request: Request, signed: SignedIn, _form: FormData) -> Response:
        if not signed.is_owner:
            return self.manage.not_found(request, signed)
        host_id = request.path_params["host_id"]
        password = sign_in.generate_password()
        now = self.manage.now()

        def work(session: Session) -> str | None:
            user = dashboard.user_of(session, signed.account_id, host_id)
            if user is None:
                return None
            sign_in.set_password(session, user, password, now=now)
            return user.email

        email = await self.manage.write(work)
        if email is None:
            return self.manage.not_found(request, signed)
        return self._users_page(
            request, signed, new_password=password, for_email=email, notice_key="password_set"
        )

    # -- outbox ------------------------------------------------------------------------------

    @signed_page
    async def outbox(self, request: Request, signed: SignedIn) -> Response:
        from podium.mail.render import render

        page = page_number(request)
        rows = self.manage.read(lambda s: dashboard.outbox(s, scope_of(signed), page=page))
        more = len(rows) > dashboard.OUTBOX_PER_PAGE
        context, now = mail_context(self.manage.runtime), self.manage.now()
        messages = [
            {"row": row, "subject": render(row, context, now=now).subject}
            for row in rows[: dashboard.OUTBOX_PER_PAGE]
        ]
        return self.manage.render(
            request,
            "manage/outbox.html",
            {"messages": messages, "page": page, "more": more},
            signed,
        )


__all__ = ["AccountPages", "NewSubscription", "scope_of"]
