""" "Add to calendar": the .ics file (podium/mail/calendar.py, the same event the e-mails
carry: one UID per webinar), and Google Calendar and Outlook.com links.

    GET /webinar/register/{id}/calendar.ics    anyone: the webinar, its registration page
    GET /w/{id}/calendar.ics?tk=…              a registrant: with their personal join link

The Google and Outlook links name the registration page, never a personal link: they are
addresses of other companies' sites, kept in their logs and histories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.codes import RegistrantStatus
from podium.db.models import Webinar
from podium.errors import LinkRefused, ZoomError
from podium.services import lookup, public_views
from podium.services.links import registrant_by_link
from podium.web.errors import PRIVATE
from podium.web.pages import Pages

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"


@dataclass(frozen=True)
class CalendarLinks:
    ics: str  # on this server
    google: str
    outlook: str


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def links(
    ics_url: str, topic: str, start: datetime | None, minutes: int, page: str
) -> CalendarLinks | None:
    """The three ways to add the next start to a calendar (None: no fixed time)."""
    if start is None:
        return None
    end = start + timedelta(minutes=minutes or 60)
    google = {
        "action": "TEMPLATE",
        "text": topic,
        "dates": f"{_utc(start)}/{_utc(end)}",
        "details": page,
        "location": page,
    }
    outlook = {
        "rru": "addevent",
        "path": "/calendar/action/compose",
        "subject": topic,
        "startdt": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": page,
        "location": page,
    }
    return CalendarLinks(
        ics_url, f"{GOOGLE}?{urlencode(google)}", f"{OUTLOOK}?{urlencode(outlook)}"
    )


class CalendarFiles:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.runtime = pages.runtime

    def routes(self) -> list[Route]:
        return [
            Route("/webinar/register/{webinar_id}/calendar.ics", self.public, methods=["GET"]),
            Route("/w/{webinar_id}/calendar.ics", self.personal, methods=["GET"]),
        ]

    def _ics(self, webinar: Webinar, starts: list[datetime], attendee: str, url: str) -> bytes:
        from podium.mail import calendar  # iCalendar loads when first used (startup time)

        settings = self.runtime.settings
        invite = calendar.Invitation(
            uid=calendar.event_uid(
                webinar.id, urlsplit(settings.public_url).hostname or "podium.invalid"
            ),
            sequence=webinar.calendar_sequence,
            method=calendar.PUBLISH,
            topic=webinar.topic,
            description="\n\n".join(part for part in (webinar.agenda, url) if part),
            starts=starts,
            minutes=webinar.duration,
            timezone=webinar.timezone,
            organizer=settings.mail_from,
            attendee=attendee,
            url=url,
        )
        return calendar.to_ical(invite, stamp=self.runtime.context.clock.now())

    @staticmethod
    def _file(body: bytes, webinar_id: int, headers: dict[str, str]) -> Response:
        disposition = f'attachment; filename="webinar-{webinar_id}.ics"'
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": disposition, **headers},
        )

    async def public(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        now = self.runtime.context.clock.now()
        urls = self.runtime.context.urls

        def work(session: Session) -> bytes | None:
            webinar = lookup.find_webinar(session, webinar_id, account_id=None)
            starts = public_views.upcoming_starts(webinar, now)
            if not starts:
                return None
            return self._ics(webinar, starts, "", urls.registration_url(webinar.id))

        try:
            body = self.runtime.run(work, writes=False)
        except ZoomError:
            return self.pages.not_found(request)
        if body is None:
            return self.pages.not_found(request)
        return self._file(body, int(webinar_id), {})

    async def personal(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        token = request.query_params.get("tk", "")
        now = self.runtime.context.clock.now()
        urls = self.runtime.context.urls

        def work(session: Session) -> bytes:
            webinar, registrant = registrant_by_link(session, webinar_id, token)
            if not RegistrantStatus(registrant.status).holds_seat:
                raise LinkRefused("This registration was cancelled.")
            starts = public_views.registrant_starts(session, webinar, registrant, now)
            if not starts:
                raise LinkRefused("This webinar has no session still to come.")
            approved = registrant.status == RegistrantStatus.APPROVED
            url = (
                urls.personal_url(webinar.id, token)
                if approved
                else urls.registration_url(webinar.id)
            )
            return self._ics(webinar, starts, registrant.email, url)

        try:
            body = self.runtime.run(work, writes=False)
        except LinkRefused as refusal:
            return self.pages.refused(request, refusal)
        return self._file(body, int(webinar_id), PRIVATE)
