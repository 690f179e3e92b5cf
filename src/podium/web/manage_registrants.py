"""The dashboard's registrants page, through the APIs' rules (services/registrants.py,
registration.py, resend.py).

    GET  /manage/webinars/{id}/registrants?status=&q=&after=&before=   one page (keyset)
    POST /manage/webinars/{id}/registrants/bulk        approve | deny | cancel the ticked ones
    POST /manage/webinars/{id}/registrants/add         register someone by hand (approved)
    POST /manage/webinars/{id}/registrants/{registrant_id}/resend   their e-mail again
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.codes import ApprovalType, RegistrantStatus, RegistrationType, WebinarType
from podium.db.models import Webinar
from podium.errors import (
    InvalidParameter,
    MissingParameter,
    RegistrantNotFound,
    WebinarNotFound,
    ZoomError,
)
from podium.numbers import ascii_int
from podium.services import accounts, dashboard, registrants, registration, resend
from podium.services.registration import Attendee
from podium.services.schedules import occurrence_key
from podium.services.sign_in import SignedIn
from podium.web.manage_pages import ManagePages, done, signed_form, signed_page
from podium.web.manage_schedule import utc_to_local

STATUSES = tuple(str(status) for status in RegistrantStatus)
ACTIONS = {"approve": "approved", "deny": "denied", "cancel": "cancelled"}


def _attendee(values: dict[str, str]) -> Attendee:
    """Who the host adds, checked like the API checks a registration."""
    from podium.api.webinar_params import valid_email

    if not values["first_name"]:
        raise MissingParameter(name="first_name")
    return Attendee(
        email=valid_email(values["email"], "email"),
        first_name=values["first_name"],
        last_name=values["last_name"],
    )


def _choosable(webinar: Webinar, now: datetime) -> list[dict[str, str]]:
    """The occurrences a registration by hand may name (a webinar that registers per
    occurrence): those still to come, in the webinar's zone."""
    if webinar.type != WebinarType.RECURRING_FIXED_TIME:
        return []
    if not RegistrationType(webinar.registration_type).is_per_occurrence:
        return []
    return [
        {
            "id": occurrence_key(o),
            "start": utc_to_local(o.start_at, webinar.timezone).replace("T", " "),
        }
        for o in webinar.occurrences
        if not o.is_deleted and o.start_at >= now
    ]


def _position(text: str | None) -> int | None:
    return None if not text else ascii_int(text, max_digits=10)


class RegistrantPages:
    def __init__(self, manage: ManagePages) -> None:
        self.manage = manage

    def routes(self) -> list[Route]:
        base = "/manage/webinars/{webinar_id:int}/registrants"
        return [
            Route(base, self.table, methods=["GET"]),
            Route(base + "/bulk", self.bulk, methods=["POST"]),
            Route(base + "/add", self.add, methods=["POST"]),
            Route(base + "/{registrant_id}/resend", self.resend, methods=["POST"]),
        ]

    def _table(
        self, request: Request, signed: SignedIn, *, status: int = 200, **extra: Any
    ) -> Response:
        query = request.query_params
        chosen = query.get("status", "")
        chosen = chosen if chosen in STATUSES else ""
        search = query.get("q", "")[:100]
        after, before = _position(query.get("after")), _position(query.get("before"))
        webinar_id = request.path_params["webinar_id"]
        now = self.manage.now()

        def work(session: Session) -> dict[str, Any]:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            page = dashboard.registrant_page(
                session, webinar.seq, status=chosen, search=search, after=after, before=before
            )
            account = accounts.get_account(session, webinar.account_id)
            return {
                "webinar": {
                    "id": webinar.id,
                    "topic": webinar.topic,
                    "manual": webinar.approval_type == ApprovalType.MANUAL,
                    "registration": webinar.approval_type != ApprovalType.NO_REGISTRATION,
                    "seats_taken": webinar.seats_taken,
                    "total": webinar.registrant_total,
                },
                "capacity": account.capacity,
                "occurrences": _choosable(webinar, now),
                "counts": dashboard.status_counts(session, webinar.seq),
                "rows": [
                    {
                        "id": r.registrant_id,
                        "position": r.position,
                        "name": f"{r.first_name} {r.last_name}".strip(),
                        "email": r.email,
                        "status": r.status,
                        "created_at": r.created_at.strftime("%Y-%m-%d %H:%M"),
                    }
                    for r in page.rows
                ],
                "newer": page.newer,
                "older": page.older,
            }

        context = self.manage.read(work)
        context.update(status=chosen, search=search, statuses=STATUSES, values={}, errors={})
        context.update(extra)
        return self.manage.render(
            request, "manage/registrants.html", context, signed, status=status
        )

    @signed_page
    async def table(self, request: Request, signed: SignedIn) -> Response:
        try:
            return self._table(request, signed)
        except WebinarNotFound:
            return self.manage.not_found(request, signed)

    def _back(self, request: Request) -> str:
        return f"/manage/webinars/{request.path_params['webinar_id']}/registrants"

    @signed_form
    async def bulk(self, request: Request, signed: SignedIn, form: FormData) -> Response:
        action = str(form.get("action", ""))
        chosen = [str(value) for value in form.getlist("registrant_ids")][
            : dashboard.REGISTRANTS_PER_PAGE
        ]
        webinar_id = request.path_params["webinar_id"]
        now = self.manage.now()
        if action not in ACTIONS:
            return self.manage.not_found(request, signed)
        if not chosen:
            return done(self._back(request), "nothing")

        def work(session: Session) -> None:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            name = "registrant_ids"
            if action == "approve":
                registrants.approve(session, webinar, chosen, name=name, now=now)
            elif action == "deny":
                registrants.deny(session, webinar, chosen, name=name, now=now)
            else:
                registrants.cancel(session, webinar, chosen, name=name, occurrence_id=None, now=now)

        try:
            await self.manage.write(work)
        except WebinarNotFound:
            return self.manage.not_found(request, signed)
        except ZoomError as error:
            return self.manage.refused(request, error, signed)
        return done(self._back(request), ACTIONS[action])

    @signed_form
    async def add(self, request: Request, signed: SignedIn, form: FormData) -> Response:
        values = {
            key: str(form.get(key, "")).strip()[:300]
            for key in ("email", "first_name", "last_name")
        }
        webinar_id = request.path_params["webinar_id"]
        context = self.manage.runtime.context
        chosen = [str(form.get("occurrence_id"))] if form.get("occurrence_id") else []
        try:
            attendee = _attendee(values)

            def work(session: Session) -> None:
                webinar = self.manage.webinar_for(session, signed, webinar_id)
                registration.register(
                    session,
                    webinar,
                    attendee,
                    occurrence_ids=chosen,
                    issuer=context.issuer,
                    now=context.clock.now(),
                    auto_approve=True,
                )

            await self.manage.write(work)
        except WebinarNotFound:
            return self.manage.not_found(request, signed)
        except (InvalidParameter, MissingParameter) as error:
            name = str(error.context.get("name", "email"))
            errors = {name if name in (*values, "occurrence_ids") else "email": str(error)}
            return self._table(request, signed, status=400, values=values, errors=errors)
        except ZoomError as error:
            return self._table(
                request, signed, status=400, values=values, errors={"email": str(error)}
            )
        return done(self._back(request), "added")

    @signed_form
    async def resend(self, request: Request, signed: SignedIn, _form: FormData) -> Response:
        webinar_id = request.path_params["webinar_id"]
        registrant_id = request.path_params["registrant_id"]
        now = self.manage.now()

        def work(session: Session) -> bool:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            found = registrants.registrant_by_id(session, webinar, registrant_id)
            return resend.send_link_again(session, webinar, found, now=now)

        try:
            sent = await self.manage.write(work)
        except (WebinarNotFound, RegistrantNotFound):
            return self.manage.not_found(request, signed)
        return done(self._back(request), "resent" if sent else "not_resent")
