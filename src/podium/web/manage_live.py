"""The dashboard's live view of a running webinar: who is present now, joins and leaves as
they happen, poll results and questions as they come (Server-Sent Events from the LiveHub,
as the host's console hears them, plus each join and leave).

    GET /manage/webinars/{id}/live           the page, with the state as of now
    GET /manage/webinars/{id}/live/events    its event stream (text/event-stream)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from podium.codes import Role
from podium.db.models import Attendance, Poll, QaQuestion
from podium.errors import WebinarNotFound
from podium.services import instances, polls
from podium.services.sign_in import SignedIn
from podium.web.live_hub import CLOSE, ORGANISER, LiveHub, Subscriber
from podium.web.manage_pages import ManagePages, signed_page

HEARTBEAT_SECONDS = 15.0
SHOWN_PRESENT = 500  # the page lists at most this many people (the count is exact)


def live_state(session: Session, webinar_seq: int, webinar: Any) -> dict[str, Any]:
    """Who is in the running session, its polls' results and its questions (plain values)."""
    instance = instances.running_instance(session, webinar)
    if instance is None:
        return {"running": False, "present": [], "count": 0, "polls": [], "questions": []}
    rows = session.execute(
        select(Attendance.id, Attendance.name, Attendance.panelist_pk, Attendance.joined_at)
        .where(Attendance.instance_id == instance.id, Attendance.left_at.is_(None))
        .order_by(Attendance.id)
        .limit(SHOWN_PRESENT)
    ).all()
    present = [
        {
            "attendance_id": row.id,
            "name": row.name,
            "role": Role.PANELIST if row.panelist_pk else Role.ATTENDEE,
            "joined": row.joined_at.strftime("%H:%M"),
        }
        for row in rows
    ]
    shown_polls = [
        {"id": poll.id, "title": poll.title, "results": polls.poll_results(session, poll, instance)}
        for poll in session.execute(
            select(Poll).where(Poll.webinar_seq == webinar_seq).order_by(Poll.id)
        ).scalars()
        if poll.instance_id == instance.id
    ]
    questions = [
        {
            "id": q.id,
            "name": q.name,
            "question": q.question,
            "answer": q.answer,
            "upvotes": q.upvotes,
        }
        for q in session.execute(
            select(QaQuestion).where(QaQuestion.instance_id == instance.id).order_by(QaQuestion.id)
        ).scalars()
    ]
    return {
        "running": True,
        "started": instance.started_at.strftime("%Y-%m-%d %H:%M"),
        "present": present,
        "count": instances.count_present(session, instance),
        "polls": shown_polls,
        "questions": questions,
    }


class LivePages:
    def __init__(self, manage: ManagePages, hub: LiveHub) -> None:
        self.manage = manage
        self.hub = hub

    def routes(self) -> list[Route]:
        base = "/manage/webinars/{webinar_id:int}/live"
        return [
            Route(base, self.page, methods=["GET"]),
            Route(base + "/events", self.events, methods=["GET"]),
        ]

    @signed_page
    async def page(self, request: Request, signed: SignedIn) -> Response:
        webinar_id = request.path_params["webinar_id"]

        def work(session: Session) -> dict[str, Any]:
            webinar = self.manage.webinar_for(session, signed, webinar_id)
            state = live_state(session, webinar.seq, webinar)
            return {"webinar": {"id": webinar.id, "topic": webinar.topic}, **state}

        return self.manage.page(request, signed, "manage/live.html", work)

    async def events(self, request: Request) -> Response:
        signed = await self.manage.signed_in(request)
        webinar_id = request.path_params["webinar_id"]
        if signed is None:
            return Response("", 404, media_type="text/plain")
        try:
            self.manage.read(lambda s: self.manage.webinar_for(s, signed, webinar_id))
        except WebinarNotFound:
            return Response("", 404, media_type="text/plain")
        subscriber = self.hub.subscribe(webinar_id, ORGANISER)
        return StreamingResponse(
            self._stream(webinar_id, subscriber),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _stream(self, webinar_id: int, subscriber: Subscriber) -> AsyncIterator[str]:
        try:
            yield f"retry: 3000\nid: {self.hub.cursor()}\n\n"
            while True:
                try:
                    frame = await asyncio.wait_for(subscriber.queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                if frame is CLOSE:
                    return
                yield frame.text
        finally:
            self.hub.unsubscribe(webinar_id, subscriber)
