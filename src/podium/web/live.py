"""The live webinar: host console, rooms, Server-Sent Events and the live actions.

Passes: a page hands its participant a signed pass (role, name, e-mail); the live actions
take it in the `X-Podium-Pass` header (a header a foreign site cannot set: no CSRF), the
event stream in the `pass` query parameter (EventSource sets no headers).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from podium.codes import STAFF, Role
from podium.db.models import Webinar, WebinarInstance
from podium.errors import (
    LiveBodyInvalid,
    LiveWebinarMissing,
    PassInvalid,
    RoleNotAllowed,
    UnknownLiveAction,
    WebinarNotFound,
    WebinarNotRunning,
    ZoomError,
)
from podium.services import ballots, green_room, instances, lookup, polls, webinars
from podium.services.instances import Participant
from podium.services.tokens import read_pass, sign_pass
from podium.web.attendance_book import AttendanceBook
from podium.web.errors import live_refusal
from podium.web.event_stream import EventStream
from podium.web.live_hub import CLOSE, LiveHub, Subscriber
from podium.web.public.live_actions import ROOM_ACTIONS, whole_number
from podium.web.public.live_state import snapshot
from podium.web.relay import postgres_relay
from podium.web.runtime import Runtime

HEARTBEAT_SECONDS = 10.0
RETRY_MS = 2000  # how soon a page reconnects after its stream dropped
log = logging.getLogger("podium.live")


def sweep(runtime: Runtime) -> None:
    """Close attendance and green-room visits whose heartbeat stopped, at that heartbeat."""
    timeout = timedelta(seconds=runtime.settings.heartbeat_timeout_seconds)
    now = runtime.context.clock.now()
    runtime.run(
        lambda s: instances.close_lost_connections(s, now=now, timeout=timeout), writes=True
    )
    runtime.run(lambda s: green_room.close_lost(s, now=now, timeout=timeout), writes=True)


async def sweep_forever(runtime: Runtime) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            if runtime.background:
                await asyncio.to_thread(sweep, runtime)
            else:
                sweep(runtime)
        except SQLAlchemyError:  # keep sweeping: the next round may succeed
            log.exception("attendance sweep failed")


def sweeper(
    runtime: Runtime, hub: LiveHub | None = None, book: AttendanceBook | None = None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """The app's lifespan: close attendance whose connection was lost (or left open by a
    restart) at its last heartbeat, at start and every heartbeat period after (in a worker
    thread); the attendance batches of this process's connections (web/attendance_book.py)."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if hub is not None:
            hub.attach(asyncio.get_running_loop())
        sweep(runtime)
        tasks = [asyncio.create_task(sweep_forever(runtime))]
        if book is not None and runtime.background:
            tasks.append(asyncio.create_task(book.run()))
        try:
            if hub is not None and runtime.engine.dialect.name == "postgresql":
                async with postgres_relay(hub, runtime.settings.database_url):
                    yield
            else:
                yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    return lifespan


@dataclass(frozen=True)
class Pass:
    webinar_id: int
    participant: Participant


@dataclass
class Presence:
    """A connected page: the state it was given, its attendance row (while live, not the
    host's) and its green-room visit (host and panelists)."""

    state: dict[str, Any]
    attendance: int | None
    visit: int | None


def issue_pass(runtime: Runtime, webinar_id: int, participant: Participant, hours: float) -> str:
    expires = runtime.context.clock.now() + timedelta(hours=hours)
    payload: dict[str, object] = {
        "w": webinar_id,
        "r": participant.role,
        "n": participant.name,
        "e": participant.email,
        "rp": participant.registrant_pk,
        "pp": participant.panelist_pk,
        "ri": participant.registrant_id,
        "x": int(expires.timestamp()),
    }
    return sign_pass(runtime.context.issuer.key, payload)


def check_pass(runtime: Runtime, token: str, webinar_id: str) -> Pass | None:
    data = read_pass(runtime.context.issuer.key, token)
    if data is None or str(data.get("w")) != webinar_id:
        return None
    if int(str(data["x"])) < runtime.context.clock.now().timestamp():
        return None
    registrant_id = data.get("ri")
    participant = Participant(
        role=Role(str(data["r"])),
        name=str(data["n"]),
        email=str(data["e"]),
        registrant_pk=data["rp"] if isinstance(data["rp"], int) else None,
        panelist_pk=data["pp"] if isinstance(data["pp"], int) else None,
        registrant_id=registrant_id if isinstance(registrant_id, str) else None,
    )
    return Pass(int(webinar_id), participant)


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


class Live:
    """The live routes of one app."""

    def __init__(self, runtime: Runtime, hub: LiveHub) -> None:
        self.runtime = runtime
        self.hub = hub
        self.book = AttendanceBook(runtime, HEARTBEAT_SECONDS)

    def routes(self) -> list[Route]:
        return [
            Route("/live/{webinar_id}/events", self.events, methods=["GET"]),
            Route("/live/{webinar_id}/{action}", self.act, methods=["POST"]),
        ]

    def now(self) -> Any:
        return self.runtime.context.clock.now()

    def webinar(self, session: Session, webinar_id: int) -> Webinar:
        try:
            return lookup.find_webinar(session, webinar_id, account_id=None)
        except WebinarNotFound:
            raise LiveWebinarMissing from None

    def running(self, session: Session, granted: Pass) -> tuple[Webinar, WebinarInstance]:
        webinar = self.webinar(session, granted.webinar_id)
        instance = instances.running_instance(session, webinar)
        if instance is None:
            raise WebinarNotRunning
        return webinar, instance

    # -- the event stream --------------------------------------------------------------------

    def _webinar_and_session(
        self, session: Session, granted: Pass
    ) -> tuple[Webinar, WebinarInstance | None]:
        found = instances.webinar_and_session(session, granted.webinar_id)
        if found is None:
            raise LiveWebinarMissing
        return found

    def _enter(self, session: Session, granted: Pass) -> Presence:
        """The participant's page connected: the state it starts from; attendance when the
        webinar is live (not the host's); a green-room visit for the host and panelists."""
        webinar, instance = self._webinar_and_session(session, granted)
        who = granted.participant
        visit = None
        if who.role in STAFF:
            visit = green_room.enter(session, webinar, who, now=self.now())
        attendance = self._attend(session, instance, who)
        return Presence(snapshot(session, webinar, instance, who), attendance, visit)

    def _attend(
        self, session: Session, instance: WebinarInstance | None, who: Participant
    ) -> int | None:
        """An attendance row while the webinar is live (the host's page has none)."""
        if instance is None or who.role == Role.HOST:
            return None
        return instances.join(session, instance, who, now=self.now())

    def _went_live(self, session: Session, granted: Pass) -> int | None:
        _webinar, instance = self._webinar_and_session(session, granted)
        return self._attend(session, instance, granted.participant)

    async def events(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        try:
            granted = check_pass(self.runtime, request.query_params.get("pass", ""), webinar_id)
            if granted is None:
                raise PassInvalid
            presence = await self.runtime.transact(lambda s: self._enter(s, granted), writes=True)
        except ZoomError as error:
            return live_refusal(error)
        who = granted.participant
        subscriber = self.hub.subscribe(granted.webinar_id, who.role, who.email)
        last = request.headers.get("last-event-id", "")
        replay = self.hub.since(granted.webinar_id, last, subscriber) if last else None
        first = f"retry: {RETRY_MS}\n\n"
        if replay is None:  # a fresh start: the whole state, as of now
            first += f"id: {self.hub.cursor()}\n" + sse("state", presence.state)
        else:
            first += "".join(frame.text for frame in replay)
        presence.state = {}  # given: not kept while the stream stays open
        sent = max((frame.seq for frame in replay or ()), default=0)
        return EventStream(
            self._stream(granted, subscriber, first, sent, presence),
            on_disconnect=lambda: self.hub.end(granted.webinar_id, subscriber),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _stream(
        self, granted: Pass, subscriber: Subscriber, first: str, sent: int, presence: Presence
    ) -> AsyncGenerator[str, None]:
        """`first`, then every frame for this page, until the webinar ends or the hub drops
        the stream (the page then reconnects with Last-Event-ID). Its heartbeat is this
        process's attendance batch (web/attendance_book.py): no write of its own."""
        webinar_id = granted.webinar_id
        self.book.opened(presence.attendance, presence.visit)
        try:
            yield first
            del first  # not kept while the stream stays open (a state can hold a 50 KB poll)
            while True:
                try:
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        frame = await subscriber.queue.get()
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                if frame is CLOSE:
                    return
                if frame.seq <= sent:  # already given in the replay
                    continue
                if (
                    frame.event == "started"
                    and presence.attendance is None
                    and granted.participant.role != Role.HOST
                ):
                    presence.attendance = await self.runtime.transact(
                        lambda s: self._went_live(s, granted), writes=True
                    )
                    self.book.opened(presence.attendance, None)
                yield frame.text
                if frame.event == "ended":
                    return
        finally:
            self.hub.unsubscribe(webinar_id, subscriber)
            self.book.closed(presence.attendance, presence.visit, self.now())

    # -- the live actions --------------------------------------------------------------------

    async def act(self, request: Request) -> Response:
        try:
            granted, handler, data = await self._read_action(request)
            # Group-committed: the answer (a vote's acknowledgement) comes once it is durable.
            answer = await self.runtime.transact(
                lambda s: handler(self, s, granted, data), writes=True
            )
        except ZoomError as error:
            return live_refusal(error)
        return JSONResponse(answer)

    async def _read_action(self, request: Request) -> tuple[Pass, LiveHandler, dict[str, Any]]:
        webinar_id = request.path_params["webinar_id"]
        granted = check_pass(self.runtime, request.headers.get("x-podium-pass", ""), webinar_id)
        if granted is None:
            raise PassInvalid
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            raise UnknownLiveAction
        roles, handler = action
        if granted.participant.role not in roles:
            raise RoleNotAllowed
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            raise LiveBodyInvalid(reason="The body is not JSON.") from None
        if not isinstance(data, dict):
            raise LiveBodyInvalid(reason="The body must be a JSON object.")
        return granted, handler, data


# -- the live actions: (live, session, pass, JSON body) → the answer; the events they cause
# reach the pages through the runtime's live consumers (web/live_hub.LiveFeed).


def start(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    """The host's "Go live" (the page confirms first when it is early, or after the end)."""
    webinar = live.webinar(session, granted.webinar_id)
    instance = green_room.go_live(
        session,
        webinar,
        ids=live.runtime.context.issuer.ids,
        now=live.now(),
        early=data.get("early") is True,
        again=data.get("again") is True,
    )
    return {"uuid": instance.uuid, "status": "live"}


def end(live: Live, session: Session, granted: Pass, _data: dict[str, Any]) -> dict[str, Any]:
    webinar = live.webinar(session, granted.webinar_id)
    webinars.end_webinar(session, webinar, now=live.now())
    return {"status": "ended"}


def create_poll(
    live: Live, session: Session, granted: Pass, data: dict[str, Any]
) -> dict[str, Any]:
    webinar = live.webinar(session, granted.webinar_id)
    title, questions = polls.parse_poll(data)
    poll = polls.create_poll(session, webinar, title, questions, now=live.now())
    return {"poll_id": poll.id}


def launch_poll(
    live: Live, session: Session, granted: Pass, data: dict[str, Any]
) -> dict[str, Any]:
    webinar, instance = live.running(session, granted)
    poll = polls.launch_poll(
        session, webinar, instance, whole_number(data.get("poll_id")), now=live.now()
    )
    return {"launched": poll.id}


def vote(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    poll_id = data.get("poll_id")
    running = None
    if isinstance(poll_id, int) and not isinstance(poll_id, bool):
        running = ballots.running_poll(session, granted.webinar_id, poll_id)
    raw = data.get("answers")
    if running is None:  # the refusals, in their order: the webinar, its session, the poll
        webinar, instance = live.running(session, granted)
        poll = polls.get_poll(session, webinar, whole_number(poll_id))
        polls.vote(session, poll, instance, granted.participant, _choices(raw), now=live.now())
        return {"voted": poll.id}
    ballots.vote(session, running, granted.participant, _choices(raw), now=live.now())
    return {"voted": running.poll_id}


def _choices(raw: object) -> dict[str, list[str]]:
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(a, str) for a in v) for v in raw.values()
    ):
        raise LiveBodyInvalid(reason="answers must map each question to a list of answers.")
    return raw


def ask(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    _webinar, instance = live.running(session, granted)
    row = polls.ask(
        session, instance, granted.participant, str(data.get("question", "")), now=live.now()
    )
    return {"question_id": row.id, "name": row.name, "question": row.question}


def reply(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    _webinar, instance = live.running(session, granted)
    row = polls.reply(
        session,
        instance,
        whole_number(data.get("question_id")),
        str(data.get("answer", "")),
        now=live.now(),
        private=data.get("private") is True,
    )
    shown = {"question_id": row.id, "question": row.question, "answer": row.answer}
    return shown | {"private": row.is_private}


LiveHandler = Callable[[Live, Session, Pass, dict[str, Any]], dict[str, Any]]
ACTIONS: dict[str, tuple[tuple[Role, ...], LiveHandler]] = {
    "start": ((Role.HOST,), start),
    "end": ((Role.HOST,), end),
    "polls": ((Role.HOST,), create_poll),
    "launch": ((Role.HOST,), launch_poll),
    "vote": ((Role.PANELIST, Role.ATTENDEE), vote),
    "ask": ((Role.PANELIST, Role.ATTENDEE), ask),
    "reply": (STAFF, reply),
    **ROOM_ACTIONS,
}
