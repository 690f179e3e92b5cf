"""The live pages' side of the domain events: `LiveFeed` turns committed events into the
pages' messages, and `LiveHub` fans each message out to the pages connected to a webinar
(across processes through a relay, web/relay.py).

    WebinarStarted      → "started"  {uuid}                         everyone
    WebinarEnded        → "ended"    {}                             everyone
    PollLaunched        → "poll"     {poll_id, title, questions}    everyone
    PollAnswered        → "results"  {poll_id, results}             the host (once per batch)
    QuestionAsked       → "question" {question_id, name, question}  host and panelists
    QuestionAnswered    → "answer"   {question_id, question, answer} everyone
    ParticipantJoined/Left → "presence" {present}                   the host (once per batch)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from podium.codes import EVERYONE, STAFF, Role
from podium.db.models import Poll, Webinar, WebinarInstance
from podium.events import (
    Event,
    ParticipantJoined,
    ParticipantLeft,
    PollAnswered,
    PollLaunched,
    QuestionAnswered,
    QuestionAsked,
    WebinarEnded,
    WebinarStarted,
)
from podium.services import instances, polls

if TYPE_CHECKING:
    from podium.web.runtime import Runtime

Message = tuple[str, dict[str, Any]]


@dataclass(eq=False)
class Subscriber:
    role: str
    queue: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)


class LiveHub:
    """In-process fan-out of live messages to the pages connected to a webinar.

    Messages may be published from any thread (a unit of work committed by the CLI or a test
    thread): they are handed to the event loop the hub runs on.
    """

    def __init__(self) -> None:
        self._subscribers: dict[int, set[Subscriber]] = {}
        # Set while a cross-process relay runs (web/relay.py): True when it took the message.
        self.relay: Callable[[dict[str, Any]], bool] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The hub delivers on `loop` (the app's, from its lifespan)."""
        self.loop, self._loop_thread = loop, threading.get_ident()

    def subscribe(self, webinar_id: int, role: str) -> Subscriber:
        subscriber = Subscriber(role)
        self._subscribers.setdefault(webinar_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, webinar_id: int, subscriber: Subscriber) -> None:
        self._subscribers.get(webinar_id, set()).discard(subscriber)

    def publish(
        self, webinar_id: int, event: str, data: dict[str, Any], roles: Sequence[str] = EVERYONE
    ) -> None:
        if self.loop is not None and threading.get_ident() != self._loop_thread:
            if not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self.publish, webinar_id, event, data, roles)
            return
        message = {"w": webinar_id, "e": event, "d": data, "r": list(roles)}
        if self.relay is not None and self.relay(message):
            return  # every process, this one included, delivers it when NOTIFY comes back
        self.deliver(webinar_id, event, data, tuple(roles))

    def deliver(
        self, webinar_id: int, event: str, data: dict[str, Any], roles: tuple[str, ...]
    ) -> None:
        for subscriber in list(self._subscribers.get(webinar_id, ())):
            if subscriber.role in roles:
                subscriber.queue.put_nowait((event, data))


class LiveFeed:
    """A live consumer of the runtime: committed events → the pages' messages (table above).

    Counts (who is present, a poll's results) are read once per batch of events, however
    many joins or votes it holds (a simulated session commits thousands at once).
    """

    def __init__(self, runtime: Runtime, hub: LiveHub) -> None:
        self.runtime = runtime
        self.hub = hub

    def __call__(self, events: Sequence[Event]) -> None:
        present: dict[int, int] = {}  # webinar id → its webinar's seq
        results: dict[tuple[int, int, int], None] = {}  # (webinar id, poll, instance)
        for event in events:
            if isinstance(event, ParticipantJoined | ParticipantLeft):
                present[event.webinar.id] = event.webinar.seq
            elif isinstance(event, PollAnswered):
                results[(event.webinar_id, event.poll_id, event.instance_id)] = None
            else:
                message = _message(event)
                if message is not None:
                    self.hub.publish(*message)
        for webinar_id, poll_id, instance_id in results:
            counts = self.runtime.run(partial(_results, poll_id, instance_id), writes=False)
            shown = {"poll_id": poll_id, "results": counts}
            self.hub.publish(webinar_id, "results", shown, (Role.HOST,))
        for webinar_id, seq in present.items():
            count = self.runtime.run(partial(_present, seq), writes=False)
            self.hub.publish(webinar_id, "presence", {"present": count}, (Role.HOST,))


def _message(event: Event) -> tuple[int, str, dict[str, Any], Sequence[str]] | None:
    """(webinar id, message name, data, roles) of an event the pages hear as it is."""
    match event:
        case WebinarStarted(webinar=webinar, instance_uuid=uuid):
            return webinar.id, "started", {"uuid": uuid}, EVERYONE
        case WebinarEnded(webinar=webinar):
            return webinar.id, "ended", {}, EVERYONE
        case PollLaunched(webinar_id=webinar_id, poll_id=poll_id, title=title):
            shown = {"poll_id": poll_id, "title": title, "questions": list(event.questions)}
            return webinar_id, "poll", shown, EVERYONE
        case QuestionAsked(webinar_id=webinar_id, question_id=question_id):
            shown = {"question_id": question_id, "name": event.name, "question": event.question}
            return webinar_id, "question", shown, STAFF
        case QuestionAnswered(webinar_id=webinar_id, question_id=question_id):
            shown = {"question_id": question_id, "question": event.question}
            return webinar_id, "answer", shown | {"answer": event.answer}, EVERYONE
    return None


def _results(poll_id: int, instance_id: int, session: Session) -> dict[str, dict[str, int]]:
    poll = session.get_one(Poll, poll_id)
    return polls.poll_results(session, poll, session.get_one(WebinarInstance, instance_id))


def _present(webinar_seq: int, session: Session) -> int:
    instance = instances.running_instance(session, session.get_one(Webinar, webinar_seq))
    return 0 if instance is None else instances.count_present(session, instance)
