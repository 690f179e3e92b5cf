"""GET /s/{id}/report?zak=…: the host's report of a webinar's sessions that ended, linked
from the console once it ends — who came and for how long, each poll's results, the Q&A.
The same start link opens it (a token page: private, no referrer); it reads what the v1
reports read (services/reports.py) and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from podium.db.models import Webinar, WebinarInstance
from podium.errors import LinkRefused, WebinarNotFound
from podium.services import lookup, polls, reports
from podium.services.tokens import zak_expiry
from podium.timestamps import parse_timestamp
from podium.web.errors import PRIVATE
from podium.web.pages import Pages


@dataclass(frozen=True)
class Join:
    name: str
    email: str
    joined: str
    left: str
    minutes: int


@dataclass(frozen=True)
class SessionReport:
    uuid: str
    started: str
    ended: str
    joins: list[Join]
    absent: list[str]  # approved registrants who never came
    polls: list[tuple[str, dict[str, dict[str, int]]]]  # (title, results)
    questions: list[tuple[str, str, str]]  # (who, question, answer)


class Reports:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.runtime = pages.runtime

    def routes(self) -> list[Route]:
        return [Route("/s/{webinar_id}/report", self.show, methods=["GET"])]

    def _webinar(self, session: Session, webinar_id: str, zak: str) -> Webinar:
        try:
            webinar = lookup.find_webinar(session, webinar_id, account_id=None)
        except WebinarNotFound:
            raise LinkRefused("This start link is not valid.") from None
        expires = zak_expiry(self.runtime.context.issuer.key, webinar.host.host_id, zak)
        if expires is None:
            raise LinkRefused("This start link is not valid.")
        if expires <= self.runtime.context.clock.now():
            raise LinkRefused("This start link has expired: get a new one with webinar/get.")
        return webinar

    def _session(
        self, session: Session, webinar: Webinar, run: WebinarInstance, locale: str
    ) -> SessionReport:
        from babel.dates import format_time

        zone = ZoneInfo(webinar.timezone)

        def shown(text: str) -> str:
            if not text:
                return ""
            moment = parse_timestamp(text, name="time").astimezone(zone)
            return format_time(moment, "short", locale=locale)

        joins, absent = [], []
        for line in reports.attendance_lines(session, webinar, run):
            name = f"{line.first_name} {line.last_name}".strip()
            if line.join_time:
                joined, left = shown(line.join_time), shown(line.leave_time)
                joins.append(Join(name, line.email, joined, left, line.minutes))
            else:
                absent.append(name)
        answered = {answer.poll_id for answer in reports.poll_answers(session, run)}
        results = [
            (poll.title, polls.poll_results(session, poll, run))
            for poll in polls.list_polls(session, webinar)
            if poll.id in answered
        ]
        questions = [
            (row.name, row.question, row.answer) for row in reports.qa_questions(session, run)
        ]
        return SessionReport(
            run.uuid,
            _moment(run.started_at, zone, locale),
            _moment(run.ended_at, zone, locale),
            joins,
            absent,
            results,
            questions,
        )

    async def show(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        zak = request.query_params.get("zak", "")
        locale = self.pages.locale(request)

        def work(session: Session) -> dict[str, Any]:
            webinar = self._webinar(session, webinar_id, zak)
            runs = reports.ended_instances(session, webinar)
            return {
                "webinar": webinar,
                "sessions": [self._session(session, webinar, r, locale) for r in reversed(runs)],
                "console_url": f"/s/{webinar.id}?zak={zak}",
            }

        try:
            context = self.runtime.run(work, writes=False)
        except LinkRefused as refusal:
            return self.pages.refused(request, refusal)
        return self.pages.render(request, "report.html", context, headers=PRIVATE)


def _moment(moment: datetime | None, zone: ZoneInfo, locale: str) -> str:
    from babel.dates import format_datetime

    if moment is None:
        return ""
    return format_datetime(moment.astimezone(zone), "medium", tzinfo=zone, locale=locale)
