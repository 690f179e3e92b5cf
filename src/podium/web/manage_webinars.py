"""The dashboard's webinar pages, through the APIs' own rules (services/webinars.py).

GET  /manage/webinars?when=upcoming|past&q=&page=   the list, searchable, paginated
GET  /manage/webinars/new, POST                      create
GET  /manage/webinars/{id}                           settings, occurrences, links
GET  /manage/webinars/{id}/edit, POST                change
POST /manage/webinars/{id}/delete                    delete (with `confirm`)
POST /manage/webinars/{id}/occurrences/{occurrence_id}/delete   delete one occurrence
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.db.models import Panelist, User, Webinar
from podium.errors import (
    InvalidOccurrence,
    InvalidParameter,
    MissingParameter,
    WebinarNotFound,
    ZoomError,
)
from podium.services import accounts, dashboard, webinars
from podium.services.schedules import occurrence_key
from podium.services.sign_in import SignedIn
from podium.web.manage_account import scope_of
from podium.web.manage_pages import ManagePages, done, page_number, signed_form, signed_page
from podium.web.manage_schedule import (
    field_of,
    form_values,
    posted_values,
    read_form,
    recurrence_summary,
    utc_to_local,
)


def describe(webinar: Webinar, gettext: Any) -> dict[str, Any]:
    """A webinar as the pages show it (plain values: nothing lazy after the transaction)."""
    return {
        "id": webinar.id,
        "topic": webinar.topic,
        "agenda": webinar.agenda,
        "type": webinar.type,
        "timezone": webinar.timezone,
        "start": utc_to_local(webinar.start_at, webinar.timezone).replace("T", " "),
        "duration": webinar.duration,
        "approval_type": webinar.approval_type,
        "registration_type": webinar.registration_type,
        "has_password": bool(webinar.password),
        "recurrence": recurrence_summary(webinar.recurrence, gettext),
        "host_email": webinar.host.email,
        "seats_taken": webinar.seats_taken,
        "occurrences": [
            {
                "id": occurrence_key(o),
                "start": utc_to_local(o.start_at, webinar.timezone).replace("T", " "),
                "duration": o.duration,
            }
            for o in webinar.occurrences
            if not o.is_deleted
        ],
    }


class WebinarPages:
    def __init__(self, manage: ManagePages) -> None:
        self.manage = manage

    def routes(self) -> list[Route]:
        base = "/manage/webinars"
        one = base + "/{webinar_id:int}"
        return [
            Route(base, self.listing, methods=["GET"]),
            Route(base + "/new", self.new, methods=["GET"]),
            Route(base + "/new", self.create, methods=["POST"]),
            Route(one, self.show, methods=["GET"]),
            Route(one + "/edit", self.edit, methods=["GET", "POST"]),
            Route(one + "/delete", self.delete, methods=["POST"]),
            Route(
                one + "/occurrences/{occurrence_id}/delete",
                self.delete_occurrence,
                methods=["POST"],
            ),
        ]

    @signed_page
    async def listing(self, request: Request, signed: SignedIn) -> Response:
        past = request.query_params.get("when") == "past"
        search = request.query_params.get("q", "")[:100]
        page = page_number(request)
        now = self.manage.now()

        def work(session: Session) -> dict[str, Any]:
            total, rows = dashboard.webinars(
                session, scope_of(signed), past=past, search=search, page=page, now=now
            )
            pending = dashboard.pending_counts(session, [w.seq for w in rows])
            shown = [{**describe(w, str), "pending": pending.get(w.seq, 0)} for w in rows]
            return {"total": total, "webinars": shown}

        context = self.manage.read(work)
        pages = max(1, -(-context["total"] // dashboard.WEBINARS_PER_PAGE))
        context.update(past=past, search=search, page=page, pages=pages)
        return self.manage.render(request, "manage/webinars.html", context, signed)

    def _form_page(
        self,
        request: Request,
        signed: SignedIn,
        values: dict[str, Any],
        *,
        webinar: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        from podium.api.params import known_timezones

        context = {
            "values": values,
            "webinar": webinar,
            "errors": errors or {},
            "zones": sorted(known_timezones()),
        }
        return self.manage.render(
            request, "manage/webinar_form.html", context, signed, status=status
        )

    def _refused(
        self,
        request: Request,
        signed: SignedIn,
        form: FormData,
        error: ZoomError,
        *,
        webinar: dict[str, Any] | None = None,
    ) -> Response:
        """The form again as it was sent, the rules' message next to the field it names (or
        above the form)."""
        if isinstance(error, InvalidParameter | MissingParameter):
            errors = {field_of(str(error.context.get("name"))): str(error)}
        else:
            errors = {"form": str(error)}
        values = posted_values(form)
        return self._form_page(request, signed, values, webinar=webinar, errors=errors, status=400)

    @signed_page
    async def new(self, request: Request, signed: SignedIn) -> Response:
        return self._form_page(request, signed, form_values(None, signed.timezone, []))

    @signed_form
    async def create(self, request: Request, signed: SignedIn, form: FormData) -> Response:
        context = self.manage.runtime.context
        try:
            settings = read_form(form, creating=True)

            def work(session: Session) -> int:
                user = session.get_one(User, signed.user_id)
                host = accounts.find_host(session, user.account_id, user.host_id)  # may host?
                return webinars.create_webinar(
                    session, host, settings, issuer=context.issuer, now=context.clock.now()
                ).id

            webinar_id = await self.manage.write(work)
        except ZoomError as error:  # the rules' refusals; e.g. a user who may not host webinars
            return self._refused(request, signed, form, error)
        return done(f"/manage/webinars/{webinar_id}", "created")

    @signed_page
    async def show(self, request: Request, signed: SignedIn) -> Response:
        webinar_id = request.path_params["webinar_id"]
        gettext = self._gettext(request)

        def work(session: Session) -> dict[str, Any]:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            counts = dashboard.status_counts(session, webinar.seq)
            return {"webinar": describe(webinar, gettext), "counts": counts}

        return self.manage.page(request, signed, "manage/webinar.html", work)

    def _gettext(self, request: Request) -> Any:
        return lambda message: self.manage.gettext(request, message)

    @signed_page
    async def edit(self, request: Request, signed: SignedIn) -> Response:
        webinar_id = request.path_params["webinar_id"]
        gettext = self._gettext(request)

        def current(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            panelists = session.execute(
                select(Panelist.name, Panelist.email)
                .where(Panelist.webinar_seq == webinar.seq)
                .order_by(Panelist.id)
            ).all()
            pairs = [(str(name), str(email)) for name, email in panelists]
            return describe(webinar, gettext), form_values(webinar, signed.timezone, pairs)

        try:
            shown, values = self.manage.read(current)
        except WebinarNotFound:
            return self.manage.not_found(request, signed)
        if request.method == "GET":
            return self._form_page(request, signed, values, webinar=shown)
        form = await self.manage.checked_form(request, signed)
        if isinstance(form, Response):
            return form
        context = self.manage.runtime.context
        try:
            settings = read_form(form, creating=False)

            def work(session: Session) -> None:
                webinar = self.manage.webinar_for(session, signed, webinar_id)
                webinars.update_webinar(
                    session, webinar, settings, issuer=context.issuer, now=context.clock.now()
                )

            await self.manage.write(work)
        except (InvalidParameter, MissingParameter) as error:
            return self._refused(request, signed, form, error, webinar=shown)
        return done(f"/manage/webinars/{webinar_id}", "saved")

    @signed_form
    async def delete(self, request: Request, signed: SignedIn, form: FormData) -> Response:
        webinar_id = request.path_params["webinar_id"]
        if form.get("confirm") != "yes":
            return done(f"/manage/webinars/{webinar_id}", "confirm_delete")
        now = self.manage.now()

        def work(session: Session) -> None:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            webinars.delete_webinar(session, webinar, now=now)

        try:
            await self.manage.write(work)
        except WebinarNotFound:
            return self.manage.not_found(request, signed)
        return done("/manage/webinars", "deleted")

    @signed_form
    async def delete_occurrence(
        self, request: Request, signed: SignedIn, _form: FormData
    ) -> Response:
        webinar_id = request.path_params["webinar_id"]
        occurrence_id = request.path_params["occurrence_id"]
        now = self.manage.now()

        def work(session: Session) -> None:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            webinars.delete_occurrence(session, webinar, occurrence_id, now=now)

        try:
            await self.manage.write(work)
        except (WebinarNotFound, InvalidOccurrence):
            return self.manage.not_found(request, signed)
        except ZoomError as error:
            return self.manage.refused(request, error, signed)
        return done(f"/manage/webinars/{webinar_id}", "occurrence_deleted")
