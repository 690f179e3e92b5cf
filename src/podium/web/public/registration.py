"""The registration page behind `registration_url`, and what follows it.

GET  /webinar/register/{id}    the form: topic, date and time in the visitor's zone, the
                               webinar's questions; or why it takes no registration now
POST /webinar/register/{id}    a new e-mail: the confirmation (approved: a Join button;
                               pending: what happens next), with "Add to calendar";
                               an e-mail already registered: "check your e-mail" — its
                               link is never shown here, it is e-mailed to its owner
                               (services/resend.py, at most once every 10 minutes)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.api.params import known_timezones
from podium.codes import RegistrantStatus, RegistrationType, WebinarType
from podium.db.models import Webinar
from podium.errors import (
    CapacityReached,
    NoRegistrationNeeded,
    RegistrationClosed,
    WebinarHasEnded,
    WebinarIsFull,
    WebinarIsOver,
    WebinarNotFound,
    WebinarOver,
    ZoomError,
)
from podium.services import lookup, public_views, registration, resend
from podium.services.questions import questions_of
from podium.services.registration import Attendee
from podium.web.errors import PRIVATE
from podium.web.forms import body_params
from podium.web.pages import Pages
from podium.web.public import i18n
from podium.web.public.calendar import links
from podium.web.public.register_form import FormAnswers, fields_of, read_form
from podium.web.public.zones import zone_choices, zone_label


@dataclass(frozen=True)
class Start:
    """One start as the page shows it: choosable when the webinar registers per session."""

    occurrence_id: str
    when: i18n.When


@dataclass
class Outcome:
    """What a submitted form came to (plain values: nothing ORM leaves the transaction)."""

    page: str  # registered.html, check_email.html, register.html or closed.html
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


class RegistrationPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.runtime = pages.runtime

    def routes(self) -> list[Route]:
        return [
            Route("/webinar/register/{webinar_id}", self.form, methods=["GET"]),
            Route("/webinar/register/{webinar_id}", self.submit, methods=["POST"]),
        ]

    def _now(self) -> datetime:
        return self.runtime.context.clock.now()

    # -- what the pages show of a webinar ----------------------------------------------------

    def _zone(self, wanted: str, webinar: Webinar) -> str:
        return wanted if wanted in known_timezones() else webinar.timezone

    def _about(self, webinar: Webinar, zone: str, locale: str) -> dict[str, Any]:
        """Topic, agenda, the starts still to come (in `zone` until the script shows them in
        the visitor's own) and the time-zone choices."""
        now = self._now()
        starts = public_views.upcoming_starts(webinar, now)
        sessions = [
            Start(
                str(int(start.timestamp()) * 1000), i18n.when(start, webinar.duration, zone, locale)
            )
            for start in starts
        ]  # the id is v1's occurrence_id: the start in epoch milliseconds
        per_occurrence = RegistrationType(webinar.registration_type).is_per_occurrence
        return {
            "webinar": webinar,
            "sessions": sessions,
            "choose_sessions": webinar.type == WebinarType.RECURRING_FIXED_TIME and per_occurrence,
            "zone": zone,
            "zone_label": zone_label(zone, locale),
            "zones": zone_choices(locale, now, also=(zone, webinar.timezone)),
        }

    def _closed(self, webinar: Webinar, refusal: RegistrationClosed) -> Outcome:
        context = {
            "topic": webinar.topic,
            "title": refusal.title,
            "message": refusal.message,
            "join_url": None,
        }
        if isinstance(refusal, NoRegistrationNeeded):
            context["join_url"] = self.runtime.context.urls.join_url(webinar.id)
        return Outcome("closed.html", context, refusal.http_status)

    def _form(
        self, webinar: Webinar, zone: str, locale: str, answers: FormAnswers | None
    ) -> Outcome:
        context = self._about(webinar, zone, locale) | {
            "fields": fields_of(questions_of(webinar)),
            "values": {} if answers is None else answers.values,
            "errors": {} if answers is None else answers.errors,
        }
        return Outcome("register.html", context, 200 if answers is None else 400)

    # -- GET: the form ---------------------------------------------------------------------------

    async def form(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        locale = self.pages.locale(request)

        def work(session: Session) -> Outcome:
            webinar = lookup.find_webinar(session, webinar_id, account_id=None)
            closed = public_views.closed_because(session, webinar, self._now())
            if closed is not None:
                return self._closed(webinar, closed)
            zone = self._zone(request.query_params.get("tz", ""), webinar)
            return self._form(webinar, zone, locale, None)

        try:
            outcome = self.runtime.run(work, writes=False)
        except WebinarNotFound:
            return self.pages.not_found(request)
        cookie = self.pages.new_csrf_cookie(request)
        outcome.context["csrf"] = self.pages.csrf_field(cookie)
        response = self.pages.render(request, outcome.page, outcome.context, outcome.status)
        self.pages.set_csrf_cookie(response, cookie)
        return response

    # -- POST: register --------------------------------------------------------------------------

    async def submit(self, request: Request) -> Response:
        settings = self.runtime.settings
        try:
            pairs = await body_params(
                request, limit=settings.max_body_bytes, max_fields=settings.max_form_fields
            )
        except ZoomError as error:
            return self.pages.refused(request, error)
        form = dict(pairs)
        if not self.pages.csrf_ok(request, form.get("csrf", "")):
            return self.pages.form_expired(request)
        webinar_id = request.path_params["webinar_id"]
        locale = self.pages.locale(request)
        try:
            outcome = self.runtime.run(
                lambda session: self._register(session, webinar_id, pairs, locale), writes=True
            )
        except WebinarNotFound:
            return self.pages.not_found(request)
        outcome.context["csrf"] = form.get("csrf", "")
        headers = PRIVATE if outcome.page == "registered.html" else None
        return self.pages.render(request, outcome.page, outcome.context, outcome.status, headers)

    def _register(
        self, session: Session, webinar_id: str, pairs: list[tuple[str, str]], locale: str
    ) -> Outcome:
        now = self._now()
        webinar = lookup.find_webinar(session, webinar_id, account_id=None)
        closed = public_views.closed_because(session, webinar, now)
        if closed is not None:
            return self._closed(webinar, closed)
        zone = self._zone(dict(pairs).get("tz", ""), webinar)
        answers = read_form(pairs, questions_of(webinar), i18n.V1_LANGUAGE[locale])
        if answers.attendee is None:
            return self._form(webinar, zone, locale, answers)
        attendee = answers.attendee
        chosen = [value for key, value in pairs if key == "occurrence_ids"]
        try:
            registered = self._attempt(session, webinar, attendee, chosen)
        except RegistrationClosed as closed_meanwhile:
            return self._closed(webinar, closed_meanwhile)
        except ZoomError as error:  # a session to choose, an occurrence gone meanwhile
            answers.errors["form"] = str(error)
            return self._form(webinar, zone, locale, answers)
        person = registered.registrant
        email = attendee.email
        if registered.previous_status is not None:  # the e-mail was known: never its link here
            if registered.previous_status in resend.SENT_AGAIN:
                resend.send_link_again(session, webinar, person, now=now)
            return Outcome("check_email.html", {"topic": webinar.topic, "email": email})
        return self._registered(session, webinar, person, zone, locale)

    def _attempt(
        self, session: Session, webinar: Webinar, attendee: Attendee, chosen: list[str]
    ) -> registration.Registration:
        """The registration; the rules' refusals, those that close the webinar in words."""
        try:
            with session.begin_nested():  # a refusal leaves nothing of this attempt behind
                return registration.register(
                    session,
                    webinar,
                    attendee,
                    occurrence_ids=chosen,
                    issuer=self.runtime.context.issuer,
                    now=self._now(),
                )
        except CapacityReached:
            raise WebinarIsFull from None
        except WebinarOver:
            raise (WebinarHasEnded() if webinar.ended_at is not None else WebinarIsOver()) from None

    def _registered(
        self, session: Session, webinar: Webinar, person: Any, zone: str, locale: str
    ) -> Outcome:
        now = self._now()
        urls = self.runtime.context.urls
        starts = public_views.registrant_starts(session, webinar, person, now)
        approved = person.status == RegistrantStatus.APPROVED
        token = self.runtime.context.issuer.link_token(person.token_nonce, person.token_digest)
        page = urls.registration_url(webinar.id)
        ics = (
            f"/w/{webinar.id}/calendar.ics?tk={token}"
            if approved
            else f"/webinar/register/{webinar.id}/calendar.ics"
        )
        context = {
            "webinar": webinar,
            "approved": approved,
            "email": person.email,
            "join_url": urls.personal_url(webinar.id, token) if approved else None,
            "sessions": [i18n.when(start, webinar.duration, zone, locale) for start in starts],
            "zone_label": zone_label(zone, locale),
            "calendar": links(
                ics, webinar.topic, starts[0] if starts else None, webinar.duration, page
            ),
        }
        return Outcome("registered.html", context)
