"""GET/POST /w/{id}/cancel?tk=…: a registrant cancels their own registration (the link in
every confirmation e-mail). GET only shows the question; the POST carries a CSRF field."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.codes import RegistrantStatus
from podium.errors import LinkRefused, ZoomError
from podium.services import registrants
from podium.services.links import registrant_by_link
from podium.web.errors import PRIVATE
from podium.web.forms import body_params
from podium.web.pages import Pages


class SelfCancel:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.runtime = pages.runtime

    def routes(self) -> list[Route]:
        return [Route("/w/{webinar_id}/cancel", self.handle, methods=["GET", "POST"])]

    async def handle(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        if request.method == "GET":
            token = request.query_params.get("tk", "")
            return self._question(request, webinar_id, token)
        try:
            pairs = await body_params(
                request,
                limit=self.runtime.settings.max_body_bytes,
                max_fields=self.runtime.settings.max_form_fields,
            )
        except ZoomError as error:
            return self.pages.refused(request, error)
        form = dict(pairs)
        if not self.pages.csrf_ok(request, form.get("csrf", "")):
            return self.pages.form_expired(request)
        return self._cancel(request, webinar_id, form.get("tk", ""))

    def _question(self, request: Request, webinar_id: str, token: str) -> Response:
        try:
            webinar, registrant = self.runtime.run(
                lambda session: registrant_by_link(session, webinar_id, token), writes=False
            )
        except LinkRefused as refusal:
            return self.pages.refused(request, refusal)
        cookie = self.pages.new_csrf_cookie(request)
        response = self.pages.render(
            request,
            "cancel.html",
            {
                "topic": webinar.topic,
                "cancelled": not RegistrantStatus(registrant.status).holds_seat,
                "asked": True,
                "token": token,
                "csrf": self.pages.csrf_field(cookie),
            },
            headers=PRIVATE,
        )
        self.pages.set_csrf_cookie(response, cookie)
        return response

    def _cancel(self, request: Request, webinar_id: str, token: str) -> Response:
        now = self.runtime.context.clock.now()

        def work(session: Session) -> str:
            webinar, registrant = registrant_by_link(session, webinar_id, token)
            registrants.cancel(
                session,
                webinar,
                [registrant.registrant_id],
                name="tk",
                occurrence_id=None,
                now=now,
            )
            return webinar.topic

        try:
            topic = self.runtime.run(work, writes=True)
        except LinkRefused as refusal:
            return self.pages.refused(request, refusal)
        return self.pages.render(
            request,
            "cancel.html",
            {"topic": topic, "cancelled": True, "asked": False},
            headers=PRIVATE,
        )
