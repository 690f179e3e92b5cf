"""GET /manage/webinars/{id}/report[?uuid=]: the organiser's report of a webinar's ended
sessions (docs/exports.md): the sessions, attendance over time, registrations per day
before the session, poll results, Q&A, attendees and absentees, each chart an accessible
SVG (web/charts.py) with its figures in a table, and the CSV exports of the session.

No viewer: a redirect to /manage/login. A webinar the viewer may not see (another account's,
another host's, deleted, never created) or a uuid that is not one of its ended sessions:
the same "page not found" as any unknown address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from podium.db.models import Webinar, WebinarInstance
from podium.errors import WebinarNotEnded, WebinarNotFound
from podium.services import exports, reports, session_report
from podium.services.webinars import Page
from podium.web import charts
from podium.web.errors import PRIVATE
from podium.web.manage_bearer import FindViewer
from podium.web.manage_exports import KINDS, asked_uuid, visible_webinar
from podium.web.pages import Pages
from podium.web.public.i18n import translations

SHOWN = 200  # attendees and absentees listed on the page; the CSV has them all


@dataclass(frozen=True)
class SessionLink:
    uuid: str
    started: str
    url: str
    current: bool


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    joined: str
    left: str
    minutes: int


class ReportPages:
    def __init__(self, pages: Pages, find_viewer: FindViewer) -> None:
        self.pages = pages
        self.runtime = pages.runtime
        self.find_viewer = find_viewer

    def routes(self) -> list[Route]:
        return [Route("/manage/webinars/{webinar_id}/report", self.show, methods=["GET"])]

    async def show(self, request: Request) -> Response:
        viewer = await self.find_viewer(request)
        if viewer is None:
            target = quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"/manage/login?next={target}", 303)
        webinar_id, uuid = request.path_params["webinar_id"], asked_uuid(request)
        locale = self.pages.locale(request)

        def work(session: Session) -> dict[str, Any]:
            webinar = visible_webinar(session, viewer, webinar_id)
            return self.context(session, webinar, uuid, locale)

        try:
            context = self.runtime.run(work, writes=False)
        except (WebinarNotFound, WebinarNotEnded):
            message = {"title": "Page not found", "message": "There is no page at this address."}
            return self.pages.render(request, "error.html", message, 404)
        return self.pages.render(request, "manage_report.html", context, headers=PRIVATE)

    def context(
        self, session: Session, webinar: Webinar, uuid: str | None, locale: str
    ) -> dict[str, Any]:
        zone = ZoneInfo(webinar.timezone)
        gettext = _translator(locale)
        base = f"/manage/webinars/{webinar.id}"
        runs = reports.ended_instances(session, webinar)
        run: WebinarInstance | None = None
        if uuid is not None or runs:
            run = reports.ended_instance(session, webinar, uuid)
        sessions = [
            SessionLink(
                item.uuid,
                format_datetime(item.started_at.astimezone(zone), "medium", locale=locale),
                f"{base}/report?{urlencode({'uuid': item.uuid})}",
                run is not None and item.id == run.id,
            )
            for item in reversed(runs)
        ]
        context: dict[str, Any] = {"webinar": webinar, "sessions": sessions, "run": run}
        registered = session_report.registrations_per_day(
            session, webinar, run.started_at if run is not None else None
        )
        days = [(format_date(day, "medium", locale=locale), n) for day, n in registered.days]
        context["registrations"] = days
        context["registered_earlier"] = registered.earlier
        context["registrations_chart"] = charts.column_chart(
            "registrations-chart",
            gettext("Registrations per day"),
            _describe_days(gettext, days, registered.earlier),
            days,
        )
        if run is None:
            return context
        ended = run.ended_at or run.started_at
        context["started"] = format_datetime(
            run.started_at.astimezone(zone), "medium", locale=locale
        )
        context["ended"] = format_datetime(ended.astimezone(zone), "medium", locale=locale)
        context["summary"] = reports.summary(session, run)
        query = f"?{urlencode({'uuid': run.uuid})}"
        context["exports"] = [(kind, f"{base}/{kind}.csv{query}") for kind in KINDS]
        context |= attendance(gettext, session, run, zone, locale)
        context["polls"] = [
            (
                tally.title,
                [
                    (
                        item,
                        charts.bar_chart(
                            f"poll-{p}-{q}",
                            item.question,
                            gettext("%(num)d answered", num=item.respondents),
                            item.counts,
                            item.respondents,
                        ),
                        [(a, n, charts.percent(n, item.respondents)) for a, n in item.counts],
                        f"poll-{p}-{q}-table",
                    )
                    for q, item in enumerate(tally.questions)
                ],
            )
            for p, tally in enumerate(session_report.poll_tallies(session, webinar, run))
        ]
        context["questions"] = reports.qa_questions(session, run)
        attendees, absentees, joins, absent = people(session, webinar, run, zone, locale)
        context |= {"attendees": attendees, "absentees": absentees}
        context |= {"join_total": joins, "absent_total": absent, "shown": SHOWN}
        return context


def attendance(
    gettext: Any, session: Session, run: WebinarInstance, zone: ZoneInfo, locale: str
) -> dict[str, Any]:
    """The chart of people present per minute, and its table."""
    counts = session_report.presence_per_minute(session, run)
    start = run.started_at.astimezone(zone)
    labels = [
        format_time(start + timedelta(minutes=i), "short", locale=locale)
        for i in range(len(counts))
    ]
    peak = max(counts, default=0)
    description = gettext(
        "%(minutes)d minutes from %(start)s; at most %(peak)d people present at once.",
        minutes=len(counts),
        start=labels[0] if labels else "",
        peak=peak,
    )
    title = gettext("People present per minute")
    chart = charts.line_chart("attendance-chart", title, description, labels, counts)
    return {"attendance_chart": chart, "attendance": list(zip(labels, counts, strict=True))}


def people(
    session: Session, webinar: Webinar, run: WebinarInstance, zone: ZoneInfo, locale: str
) -> tuple[list[Person], list[Person], int, int]:
    """The first SHOWN joins (as attendees.csv and v1's attendees/list give them) and
    absentees, and the totals of each: a page of a 100,000-registrant webinar reads no
    more than that."""

    def shown(text: str) -> str:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").astimezone(zone)
        return format_time(moment, "short", locale=locale)

    def read(work: Any) -> Any:
        return work(session.connection())

    first = next(exports.attendees(read, exports.source(webinar, run)), [])
    attendees = [
        Person(f"{given} {family}".strip(), email, shown(joined), shown(left), int(minutes))
        for given, family, email, joined, left, minutes, _ in first[:SHOWN]
    ]
    absent_total, absent = reports.absentees(session, webinar, run, Page(1, SHOWN))
    absentees = [
        Person(f"{r.first_name} {r.last_name}".strip(), r.email, "", "", 0) for r in absent
    ]
    return attendees, absentees, session_report.join_count(session, run), absent_total


def _translator(locale: str) -> Any:
    """gettext(message, **values) in the page's language, %-formatted like the templates'."""
    catalog = translations(locale)

    def gettext(message: str, **values: Any) -> str:
        text = catalog.gettext(message)
        return text % values if values else text

    return gettext


def _describe_days(gettext: Any, days: list[tuple[str, int]], earlier: int) -> str:
    if not days:
        return str(gettext("Nobody registered before this session."))
    total = sum(n for _, n in days) + earlier
    return str(
        gettext(
            "%(total)d registrations from %(first)s to %(last)s.",
            total=total,
            first=days[0][0],
            last=days[-1][0],
        )
    )
