"""Public pages: the registration form behind `registration_url`, and personal links."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from podium.api.params import Params, known_timezones
from podium.api.registrant_params import read_attendee
from podium.db.models import Webinar
from podium.errors import ZoomError
from podium.services import registrants, webinars
from podium.services.registrants import CHOOSE_OCCURRENCES, EACH_OCCURRENCE
from podium.services.schedules import RECURRING_FIXED_TIME, occurrence_key
from podium.web.forms import body_params
from podium.web.runtime import Runtime

CSRF_COOKIE = "podium_csrf"
FORM_FIELDS = ("first_name", "last_name", "email", "org", "job_title", "comments")
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class OccurrenceChoice:
    occurrence_id: str
    label: str


def local_time(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "Any time (no fixed schedule)"
    local = moment.astimezone(ZoneInfo(zone))
    return local.strftime("%A %d %B %Y, %H:%M ") + f"({zone})"


class Pages:
    """The page handlers of one app, sharing its runtime and templates."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        environment = Environment(loader=PackageLoader("podium.web", "templates"), autoescape=True)
        self.templates = Jinja2Templates(env=environment)
        self.timezones = sorted(known_timezones())

    def routes(self) -> list[Route]:
        return [
            Route("/webinar/register/{webinar_id}", self.register_form, methods=["GET"]),
            Route("/webinar/register/{webinar_id}", self.register_submit, methods=["POST"]),
        ]

    # -- rendering ---------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        return self.templates.TemplateResponse(
            request, name, context, status_code=status, headers=headers
        )

    def not_found(self, request: Request) -> Response:
        context = {
            "title": "Webinar not found",
            "message": "This webinar does not exist, has ended, or takes no registrations.",
        }
        return self.render(request, "error.html", context, status=404)

    def refused(self, request: Request, reason: str) -> Response:
        context = {"title": "This link does not open the webinar", "message": reason}
        return self.render(request, "error.html", context, status=403, headers=PRIVATE)

    def new_csrf_cookie(self, request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)

    def set_csrf_cookie(self, response: Response, cookie: str) -> None:
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/")

    # -- CSRF --------------------------------------------------------------------------------

    def csrf_field(self, cookie: str) -> str:
        key = self.runtime.context.issuer.key
        return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: Request, field: str) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(field, self.csrf_field(cookie)):
            return False
        origin = request.headers.get("origin")
        if origin is None:
            return True
        public = urlsplit(self.runtime.settings.public_url)
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin in (f"{public.scheme}://{public.netloc}", own)

    # -- the registration form ---------------------------------------------------------------

    def _open_webinar(
        self, session: Session, webinar_id: str
    ) -> tuple[Webinar, list[OccurrenceChoice]]:
        now = self.runtime.context.clock.now()
        webinar = webinars.get_open_webinar(session, webinar_id, now=now)
        choices = []
        per_occurrence = webinar.registration_type in (EACH_OCCURRENCE, CHOOSE_OCCURRENCES)
        if webinar.type == RECURRING_FIXED_TIME and per_occurrence:
            choices = [
                OccurrenceChoice(occurrence_key(o), local_time(o.start_at, webinar.timezone))
                for o in webinar.occurrences
                if not o.is_deleted and o.start_at >= now
            ]
        return webinar, choices

    def _form_context(
        self, request: Request, webinar: Webinar, choices: list[OccurrenceChoice], cookie: str
    ) -> dict[str, Any]:
        zone = request.query_params.get("tz", webinar.timezone)
        if zone not in known_timezones():
            zone = webinar.timezone
        return {
            "webinar": webinar,
            "choices": choices,
            "zone": zone,
            "timezones": self.timezones,
            "when": local_time(webinar.start_at, zone),
            "csrf": self.csrf_field(cookie),
            "values": {},
            "error": None,
            "chosen": [],
        }

    async def register_form(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        try:
            webinar, choices = self.runtime.run(
                lambda session: self._open_webinar(session, webinar_id), writes=False
            )
        except ZoomError:
            return self.not_found(request)
        cookie = self.new_csrf_cookie(request)
        response = self.render(
            request, "register.html", self._form_context(request, webinar, choices, cookie)
        )
        self.set_csrf_cookie(response, cookie)
        return response

    async def register_submit(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        settings = self.runtime.settings
        try:
            pairs = await body_params(
                request, limit=settings.max_body_bytes, max_fields=settings.max_form_fields
            )
        except ZoomError as error:
            return self.render(
                request, "error.html", {"title": "Form refused", "message": str(error)}, status=400
            )
        form = dict(pairs)
        if not self.csrf_ok(request, form.get("csrf", "")):
            return self.render(
                request,
                "error.html",
                {
                    "title": "Form refused",
                    "message": "This form expired or came from another site. Reload the page and "
                    "try again.",
                },
                status=403,
            )
        chosen = [value for key, value in pairs if key == "occurrence_ids"]
        params = Params({**form, "occurrence_ids": ",".join(chosen)})

        def work(session: Session) -> tuple[str, str]:
            webinar, _choices = self._open_webinar(session, webinar_id)
            registration = registrants.register(
                session,
                webinar,
                read_attendee(params),
                occurrence_ids=chosen,
                issuer=self.runtime.context.issuer,
                now=self.runtime.context.clock.now(),
            )
            person = registration.registrant
            token = self.runtime.context.issuer.link_token(person.token_nonce, person.token_digest)
            return person.status, self.runtime.context.urls.personal_url(webinar.id, token)

        try:
            status, join_url = self.runtime.run(work, writes=True)
        except ZoomError as error:
            return self._form_again(request, webinar_id, form, chosen, str(error))
        context = {"status": status, "join_url": join_url, "email": form.get("email", "")}
        return self.render(request, "registered.html", context, headers=PRIVATE)

    def _form_again(
        self,
        request: Request,
        webinar_id: str,
        form: dict[str, str],
        chosen: list[str],
        message: str,
    ) -> Response:
        try:
            webinar, choices = self.runtime.run(
                lambda session: self._open_webinar(session, webinar_id), writes=False
            )
        except ZoomError:
            return self.not_found(request)
        context = self._form_context(
            request, webinar, choices, request.cookies.get(CSRF_COOKIE, "")
        )
        context |= {
            "values": {k: form.get(k, "") for k in FORM_FIELDS},
            "error": message,
            "chosen": chosen,
        }
        return self.render(request, "register.html", context, status=400)
