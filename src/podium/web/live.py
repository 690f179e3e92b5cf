"""The live webinar: host console, rooms, Server-Sent Events and the live actions.

Passes: a page hands its participant a signed pass (role, name, e-mail); the live actions
take it in the `X-Podium-Pass` header (a header a foreign site cannot set: no CSRF), the
event stream in the `pass` query parameter (EventSource sets no headers).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from podium.db.models import Webinar, WebinarInstance
from podium.errors import ZoomError
from podium.numbers import ascii_int
from podium.services import polls, sessions, webinars
from podium.services.sessions import Participant
from podium.services.tokens import read_pass, sign_pass
from podium.web.relay import postgres_relay
from podium.web.runtime import Runtime

HOST, PANELIST, ATTENDEE = "host", "panelist", "attendee"
HEARTBEAT_SECONDS = 10.0
RECONNECT: tuple[str, dict[str, Any]] = ("reconnect", {})
log = logging.getLogger("podium.live")


def sweeper(
    runtime: Runtime, hub: LiveHub | None = None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """The app's lifespan: close attendance whose connection was lost (or left open by a
    restart) at its last heartbeat, at start and every heartbeat period after."""

    timeout = timedelta(seconds=runtime.settings.heartbeat_timeout_seconds)

    def sweep() -> None:
        now = runtime.context.clock.now()
        runtime.run(
            lambda s: sessions.close_lost_connections(s, now=now, timeout=timeout),
            writes=True,
        )

    async def forever() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                sweep()
            except SQLAlchemyError:  # keep sweeping: the next round may succeed
                log.exception("attendance sweep failed")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        sweep()
        task = asyncio.create_task(forever())
        try:
            if hub is not None and runtime.engine.dialect.name == "postgresql":
                async with postgres_relay(hub, runtime.settings.database_url):
                    yield
            else:
                yield
        finally:
            task.cancel()

    return lifespan


@dataclass(eq=False)
class Subscriber:
    role: str
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = field(default_factory=asyncio.Queue)


class LiveHub:
    """In-process fan-out of live events to the pages connected to a webinar."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[Subscriber]] = {}
        # Set while a cross-process relay runs (web/relay.py): True when it took the event.
        self.relay: Callable[[dict[str, Any]], bool] | None = None

    def subscribe(self, webinar_id: int, role: str) -> Subscriber:
        subscriber = Subscriber(role)
        self._subscribers.setdefault(webinar_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, webinar_id: int, subscriber: Subscriber) -> None:
        self._subscribers.get(webinar_id, set()).discard(subscriber)

    def publish(
        self,
        webinar_id: int,
        event: str,
        data: dict[str, Any],
        roles: tuple[str, ...] = (HOST, PANELIST, ATTENDEE),
    ) -> None:
        message = {"w": webinar_id, "e": event, "d": data, "r": list(roles)}
        if self.relay is not None and self.relay(message):
            return  # every process, this one included, delivers it when NOTIFY comes back
        self.deliver(webinar_id, event, data, roles)

    def reconnect_all(self) -> None:
        """This process is stopping: every stream here says "reconnect" and ends, so its
        page comes back at once (to this server's successor, or another worker)."""
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                subscriber.queue.put_nowait(RECONNECT)

    def deliver(
        self, webinar_id: int, event: str, data: dict[str, Any], roles: tuple[str, ...]
    ) -> None:
        for subscriber in list(self._subscribers.get(webinar_id, ())):
            if subscriber.role in roles:
                subscriber.queue.put_nowait((event, data))


@dataclass(frozen=True)
class Pass:
    webinar_id: int
    participant: Participant


def issue_pass(runtime: Runtime, webinar_id: int, participant: Participant, hours: float) -> str:
    expires = runtime.context.clock.now() + timedelta(hours=hours)
    payload: dict[str, object] = {
        "w": webinar_id,
        "r": participant.role,
        "n": participant.name,
        "e": participant.email,
        "rp": participant.registrant_pk,
        "pp": participant.panelist_pk,
        "x": int(expires.timestamp()),
    }
    return sign_pass(runtime.context.issuer.key, payload)


def check_pass(runtime: Runtime, token: str, webinar_id: str) -> Pass | None:
    data = read_pass(runtime.context.issuer.key, token)
    if data is None or str(data.get("w")) != webinar_id:
        return None
    if int(str(data["x"])) < runtime.context.clock.now().timestamp():
        return None
    participant = Participant(
        role=str(data["r"]),
        name=str(data["n"]),
        email=str(data["e"]),
        registrant_pk=data["rp"] if isinstance(data["rp"], int) else None,
        panelist_pk=data["pp"] if isinstance(data["pp"], int) else None,
    )
    return Pass(int(webinar_id), participant)


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


class Live:
    """The live routes of one app."""

    def __init__(self, runtime: Runtime, hub: LiveHub) -> None:
        self.runtime = runtime
        self.hub = hub

    def routes(self) -> list[Route]:
        return [
            Route("/live/{webinar_id}/events", self.events, methods=["GET"]),
            Route("/live/{webinar_id}/{action}", self.act, methods=["POST"]),
        ]

    def _now(self) -> Any:
        return self.runtime.context.clock.now()

    def _webinar(self, session: Session, webinar_id: int) -> Webinar:
        webinar = session.execute(webinars.select_live_webinar(webinar_id)).scalar_one_or_none()
        if webinar is None:
            raise LiveRefused(404, "This webinar does not exist.")
        return webinar

    # -- the event stream --------------------------------------------------------------------

    def _enter(self, session: Session, granted: Pass) -> tuple[dict[str, Any], int | None]:
        webinar = self._webinar(session, granted.webinar_id)
        instance = sessions.running_instance(session, webinar)
        state: dict[str, Any] = {
            "status": "live" if instance else "waiting",
            "topic": webinar.topic,
        }
        if webinar.ended_at is not None and instance is None and webinar.type == 5:
            state["status"] = "ended"
        if granted.participant.role == HOST:
            state["present"] = 0 if instance is None else sessions.count_present(session, instance)
            return state, None
        if instance is None:
            return state, None
        row = sessions.join(session, instance, granted.participant, now=self._now())
        return state, row.id

    def _present(self, session: Session, webinar_id: int) -> int:
        webinar = self._webinar(session, webinar_id)
        instance = sessions.running_instance(session, webinar)
        return 0 if instance is None else sessions.count_present(session, instance)

    def _announce_presence(self, webinar_id: int) -> None:
        count = self.runtime.run(lambda s: self._present(s, webinar_id), writes=False)
        self.hub.publish(webinar_id, "presence", {"present": count}, roles=(HOST,))

    async def events(self, request: Request) -> Response:
        webinar_id = request.path_params["webinar_id"]
        granted = check_pass(self.runtime, request.query_params.get("pass", ""), webinar_id)
        if granted is None:
            return JSONResponse({"error": "This pass is not valid."}, status_code=403)
        try:
            state, attendance = self.runtime.run(lambda s: self._enter(s, granted), writes=True)
        except LiveRefused as refusal:
            return JSONResponse({"error": refusal.reason}, status_code=refusal.status)
        subscriber = self.hub.subscribe(granted.webinar_id, granted.participant.role)
        return StreamingResponse(
            self._stream(granted, subscriber, state, attendance),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _stream(
        self, granted: Pass, subscriber: Subscriber, state: dict[str, Any], attendance: int | None
    ) -> AsyncIterator[str]:
        webinar_id = granted.webinar_id
        try:
            yield sse("state", state)
            if attendance is not None:
                self._announce_presence(webinar_id)
            while True:
                try:
                    event, data = await asyncio.wait_for(subscriber.queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    if attendance is not None:
                        self._heartbeat(attendance)
                    yield ": ping\n\n"
                    continue
                if event == "started" and attendance is None and granted.participant.role != HOST:
                    _, attendance = self.runtime.run(lambda s: self._enter(s, granted), writes=True)
                    self._announce_presence(webinar_id)
                if event == "reconnect":  # the server is stopping: come back in a second
                    yield "retry: 1000\n" + sse(event, data)
                    return
                yield sse(event, data)
                if event == "ended":
                    return
        finally:
            self.hub.unsubscribe(webinar_id, subscriber)
            if attendance is not None:
                left = attendance
                self.runtime.run(lambda s: sessions.leave(s, left, now=self._now()), writes=True)
                self._announce_presence(webinar_id)

    def _heartbeat(self, attendance: int) -> None:
        self.runtime.run(lambda s: sessions.heartbeat(s, attendance, now=self._now()), writes=True)

    # -- the live actions --------------------------------------------------------------------

    async def act(self, request: Request) -> Response:
        try:
            granted, handler, data = await self._read_action(request)
            answer, events = self.runtime.run(
                lambda s: handler(self, s, granted, data), writes=True
            )
        except LiveRefused as refusal:
            return JSONResponse({"error": refusal.reason}, status_code=refusal.status)
        except ZoomError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        for event, payload, to in events:
            self.hub.publish(granted.webinar_id, event, payload, roles=to)
        return JSONResponse(answer)

    async def _read_action(self, request: Request) -> tuple[Pass, LiveHandler, dict[str, Any]]:
        webinar_id = request.path_params["webinar_id"]
        granted = check_pass(self.runtime, request.headers.get("x-podium-pass", ""), webinar_id)
        if granted is None:
            raise LiveRefused(403, "This pass is not valid.")
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            raise LiveRefused(404, "Unknown live action.")
        roles, handler = action
        if granted.participant.role not in roles:
            raise LiveRefused(403, "Not allowed for your role.")
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            raise LiveRefused(400, "The body is not JSON.") from None
        if not isinstance(data, dict):
            raise LiveRefused(400, "The body must be a JSON object.")
        return granted, handler, data

    def running(self, session: Session, granted: Pass) -> tuple[Webinar, WebinarInstance]:
        webinar = self._webinar(session, granted.webinar_id)
        instance = sessions.running_instance(session, webinar)
        if instance is None:
            raise LiveRefused(409, "The webinar is not running.")
        return webinar, instance


class LiveRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


Events = list[tuple[str, dict[str, Any], tuple[str, ...]]]
EVERYONE: tuple[str, ...] = (HOST, PANELIST, ATTENDEE)
STAFF: tuple[str, ...] = (HOST, PANELIST)


def start(live: Live, session: Session, granted: Pass, _data: dict[str, Any]) -> tuple[Any, Events]:
    webinar = live._webinar(session, granted.webinar_id)
    instance = sessions.start_instance(
        session, webinar, ids=live.runtime.context.issuer.ids, now=live._now()
    )
    return {"uuid": instance.uuid, "status": "live"}, [
        ("started", {"uuid": instance.uuid}, EVERYONE)
    ]


def end(live: Live, session: Session, granted: Pass, _data: dict[str, Any]) -> tuple[Any, Events]:
    webinar = live._webinar(session, granted.webinar_id)
    webinars.end_webinar(session, webinar, now=live._now())
    return {"status": "ended"}, [("ended", {}, EVERYONE)]


def create_poll(
    live: Live, session: Session, granted: Pass, data: dict[str, Any]
) -> tuple[Any, Events]:
    webinar = live._webinar(session, granted.webinar_id)
    title, questions = polls.parse_poll(data)
    poll = polls.create_poll(session, webinar, title, questions, now=live._now())
    return {"poll_id": poll.id}, []


def launch_poll(
    live: Live, session: Session, granted: Pass, data: dict[str, Any]
) -> tuple[Any, Events]:
    webinar, _instance = live.running(session, granted)
    poll = polls.get_poll(session, webinar, _int(data.get("poll_id")))
    shown = {"poll_id": poll.id, "title": poll.title, "questions": json.loads(poll.questions)}
    return {"launched": poll.id}, [("poll", shown, EVERYONE)]


def vote(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> tuple[Any, Events]:
    webinar, instance = live.running(session, granted)
    poll = polls.get_poll(session, webinar, _int(data.get("poll_id")))
    raw = data.get("answers")
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(a, str) for a in v) for v in raw.values()
    ):
        raise LiveRefused(400, "answers must map each question to a list of answers.")
    polls.vote(session, poll, instance, granted.participant, raw, now=live._now())
    results = polls.poll_results(session, poll, instance)
    return {"voted": poll.id}, [("results", {"poll_id": poll.id, "results": results}, (HOST,))]


def ask(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> tuple[Any, Events]:
    _webinar, instance = live.running(session, granted)
    row = polls.ask(
        session, instance, granted.participant, str(data.get("question", "")), now=live._now()
    )
    shown = {"question_id": row.id, "name": row.name, "question": row.question}
    return shown, [("question", shown, STAFF)]


def reply(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> tuple[Any, Events]:
    _webinar, instance = live.running(session, granted)
    row = polls.reply(
        session,
        instance,
        _int(data.get("question_id")),
        str(data.get("answer", "")),
        now=live._now(),
    )
    shown = {"question_id": row.id, "question": row.question, "answer": row.answer}
    return shown, [("answer", shown, EVERYONE)]


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = ascii_int(value) if isinstance(value, str) else None
    if number is not None:
        return number
    raise LiveRefused(400, "An id must be a whole number.")


LiveHandler = Callable[[Live, Session, Pass, dict[str, Any]], tuple[Any, Events]]
ACTIONS: dict[str, tuple[tuple[str, ...], LiveHandler]] = {
    "start": ((HOST,), start),
    "end": ((HOST,), end),
    "polls": ((HOST,), create_poll),
    "launch": ((HOST,), launch_poll),
    "vote": ((PANELIST, ATTENDEE), vote),
    "ask": ((PANELIST, ATTENDEE), ask),
    "reply": (STAFF, reply),
}
