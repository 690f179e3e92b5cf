"""Entering a webinar: the host's start link (the console: it starts nothing by itself, the
host goes live from its green room), the public join link, personal links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.api.webinar_params import valid_email
from podium.codes import ApprovalType, Role, WebinarType
from podium.db.models import Webinar
from podium.errors import LinkRefused, WebinarNotFound, ZoomError
from podium.services import lookup, polls
from podium.services.green_room import scheduled_start
from podium.services.instances import Participant
from podium.services.links import admit
from podium.services.rooms import check_entry, check_password
from podium.services.tokens import zak_expiry
from podium.web.errors import PRIVATE
from podium.web.forms import body_params
from podium.web.live import issue_pass
from podium.web.pages import Pages
from podium.web.public import i18n
from podium.web.public.zones import zone_label
from podium.web.room_page import FilledPages

ROOM_HOURS = 12


class Rooms:
    """/s/<id>?zak= (host console), /j/<id> (anyone, when there is no registration), /w/<id>."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.runtime = pages.runtime
        self.room_pages = FilledPages(("pass", "name"))

    def routes(self) -> list[Route]:
        return [
            Route("/s/{webinar_id}", self.console, methods=["GET"]),
            Route("/j/{webinar_id}", self.join_form, methods=["GET"]),
            Route("/j/{webinar_id}", self.join_submit, methods=["POST"]),
            Route("/w/{webinar_id}", self.personal_link, methods=["GET"]),
        ]

    def _webinar(self, session: Session, webinar_id: str) -> Webinar | None:
        """The webinar, its occurrences loaded: the page reads its schedule (`when`) once the
        transaction is over."""
        try:
            webinar = lookup.find_webinar(session, webinar_id, account_id=None)
        except WebinarNotFound:
            return None
        webinar.occurrences  # noqa: B018 - loads the collection now
        return webinar

    def when(self, request: Request, webinar: Webinar, language: str = "") -> dict[str, Any]:
        """The session's planned time (in the webinar's zone; the page's script shows it in
        the visitor's own)."""
        start = scheduled_start(webinar, self.runtime.context.clock.now())
        if start is None:
            return {"when": None, "zone_label": ""}
        locale = self.pages.locale(request, language)
        when = i18n.when(start, webinar.duration, webinar.timezone, locale)
        return {"when": when, "zone_label": zone_label(webinar.timezone, locale)}

    def room(
        self, request: Request, webinar: Webinar, participant: Participant, language: str = ""
    ) -> Response:
        """The room's page: the same for everyone of a role but for the pass and the name
        (web/room_page.py renders it once per webinar, role, schedule and language)."""
        token = issue_pass(self.runtime, webinar.id, participant, ROOM_HOURS)
        locale = self.pages.locale(request, language)
        schedule = self.when(request, webinar, language)
        # What room.html shows: change this key with the template.
        key = (webinar.id, webinar.topic, participant.role, *schedule.values(), locale)

        def render(fills: Mapping[str, str]) -> str:
            person = replace(participant, name=fills["name"])
            context = {"webinar": webinar, "participant": person, "pass": fills["pass"]}
            return self.pages.html("room.html", context | schedule, locale)

        html = self.room_pages.text(key, render, {"pass": token, "name": participant.name})
        return self.pages.answer(html, locale, headers=PRIVATE)

    # -- the host ----------------------------------------------------------------------------

    def _console_context(self, session: Session, webinar_id: str, zak: str) -> dict[str, Any]:
        webinar = self._webinar(session, webinar_id)
        if webinar is None:
            raise LinkRefused("This start link is not valid.")
        expires = zak_expiry(self.runtime.context.issuer.key, webinar.host.host_id, zak)
        if expires is None:
            raise LinkRefused("This start link is not valid.")
        now = self.runtime.context.clock.now()
        if expires <= now:
            raise LinkRefused("This start link has expired: get a new one with webinar/get.")
        return {
            "webinar": webinar,
            "expires": expires,
            "polls": [
                (poll, polls.poll_questions(poll)) for poll in polls.list_polls(session, webinar)
            ],
        }

    async def console(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        zak = request.query_params.get("zak", "")
        try:
            context = self.runtime.run(
                lambda s: self._console_context(s, webinar_id, zak), writes=False
            )
        except LinkRefused as refusal:
            return self.pages.refused(request, refusal)
        webinar: Webinar = context["webinar"]
        host = Participant(role=Role.HOST, name=webinar.host.email, email=webinar.host.email)
        expires: datetime = context["expires"]
        hours = (expires - self.runtime.context.clock.now()).total_seconds() / 3600
        context["pass"] = issue_pass(self.runtime, webinar.id, host, hours)
        context["report_url"] = f"/s/{webinar.id}/report?zak={zak}"
        context |= self.when(request, webinar)
        return self.pages.render(request, "console.html", context, headers=PRIVATE)

    # -- anyone (webinars without registration) ----------------------------------------------

    async def join_form(self, request: Request) -> Response:
        webinar = self.runtime.run(
            lambda s: self._webinar(s, request.path_params["webinar_id"]), writes=False
        )
        if webinar is None:
            return self.pages.not_found(request)
        if webinar.approval_type != ApprovalType.NO_REGISTRATION:
            registration_url = self.runtime.context.urls.registration_url(webinar.id)
            return self.pages.render(
                request,
                "register_first.html",
                {"webinar": webinar, "registration_url": registration_url},
            )
        cookie = self.pages.new_csrf_cookie(request)
        response = self.pages.render(
            request,
            "join.html",
            {
                "webinar": webinar,
                "csrf": self.pages.csrf_field(cookie),
                "error": None,
                "values": {},
            },
        )
        self.pages.set_csrf_cookie(response, cookie)
        return response

    async def join_submit(self, request: Request) -> Response:
        settings = self.runtime.settings
        try:
            form = dict(
                await body_params(
                    request, limit=settings.max_body_bytes, max_fields=settings.max_form_fields
                )
            )
        except ZoomError as error:
            return self.pages.refused(request, error)
        if not self.pages.csrf_ok(request, form.get("csrf", "")):
            return self.pages.form_expired(request)
        webinar = self.runtime.run(
            lambda s: self._webinar(s, request.path_params["webinar_id"]), writes=False
        )
        if webinar is None or webinar.approval_type != ApprovalType.NO_REGISTRATION:
            return self.pages.not_found(request)
        try:
            participant = self._walk_in(webinar, form)
        except ZoomError as refusal:
            return self.pages.render(
                request,
                "join.html",
                {
                    "webinar": webinar,
                    "csrf": form.get("csrf", ""),
                    "error": str(refusal),
                    "values": {"name": form.get("name", ""), "email": form.get("email", "")},
                },
                status=400,
            )
        return self.room(request, webinar, participant)

    def _walk_in(self, webinar: Webinar, form: dict[str, str]) -> Participant:
        name = " ".join(form.get("name", "").split())
        if not name or len(name) > 300:
            raise LinkRefused("Give your name (at most 300 characters).")
        email = valid_email(form.get("email", "").strip(), "email")
        check_entry(webinar, email)
        check_password(webinar, form.get("password", ""))
        return Participant(role=Role.ATTENDEE, name=name, email=email)

    # -- personal links ----------------------------------------------------------------------

    async def personal_link(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        token = request.query_params.get("tk", "")

        def enter(session: Session) -> tuple[Webinar, Participant, str]:
            admission, webinar = admit(session, webinar_id, token)
            if webinar.type == WebinarType.RECURRING_FIXED_TIME:
                webinar.occurrences  # noqa: B018 - the page reads its schedule (`when`)
            check_entry(webinar, admission.email)
            return (
                webinar,
                Participant(
                    role=admission.role,
                    name=admission.name,
                    email=admission.email,
                    registrant_pk=admission.registrant_pk,
                    panelist_pk=admission.panelist_pk,
                    registrant_id=admission.registrant_id,
                ),
                admission.language,
            )

        try:
            webinar, participant, language = self.runtime.run(enter, writes=False)
        except LinkRefused as refusal:
            return self.pages.refused(request, refusal)
        return self.room(request, webinar, participant, language)
