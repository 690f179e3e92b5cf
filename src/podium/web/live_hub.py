"""The live pages' side of the domain events: `LiveFeed` turns committed events into the
pages' messages, and `LiveHub` fans each message out to the pages connected to a webinar
(across processes through a relay, web/relay.py).

    WebinarStarted      → "started"     {uuid}                           everyone
    WebinarEnded        → "ended"       {}                               everyone
    GreenRoomChanged    → "green_room"  {people: [{name, role}]}         host, panelists (per batch)
    PollLaunched        → "poll"        {poll_id, title, questions}      everyone
    PollAnswered        → "results"     {poll_id, results, shared}       the host; everyone once
    PollResultsShared   → "results"                                        shared (coalesced*)
    PollClosed          → "poll_closed" {poll_id}                        everyone
    QuestionAsked       → "question"    {question_id, name, question, upvotes}   everyone
    QuestionAnswered    → "answer"      {question_id, question, answer, private}  everyone; a
                                                          private one: the staff and its asker
    QuestionUpvoted     → "upvotes"     {question_id, upvotes}           everyone (coalesced*)
    QuestionDismissed   → "dismissed"   {question_id}                    everyone
    QuestionStarred     → "starred"     {question_id, starred}           host, panelists
    ParticipantJoined/Left → "presence" {present}                        the host (coalesced*)
                        → "joined" / "left" {people: [{attendance_id, name, role}]}
                                    the dashboard's live view only (ORGANISER), one per batch

    * counted in memory and pushed at most 4 times a second, the last change always
      (web/live_counts.py); each process pushes its own pages.

Each message is serialised once, as a Server-Sent Events frame with an id
("<epoch>-<seq>": `seq` grows with every message of this process, `epoch` is the process's
own), and kept in a bounded ring per webinar, so a page that reconnects with
`Last-Event-ID` gets what it missed (`LiveHub.since`); when that is no longer possible (the
ring moved on, another process or a restart: another epoch) the page gets a fresh state.
A page that falls BACKLOG frames behind (a connection that does not take what is sent) is
dropped: its stream ends and it resumes the same way, instead of holding memory.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from podium.codes import EVERYONE, STAFF, Role
from podium.events import (
    Event,
    GreenRoomChanged,
    ParticipantJoined,
    ParticipantLeft,
    PollAnswered,
    PollClosed,
    PollLaunched,
    PollResultsShared,
    QuestionAnswered,
    QuestionAsked,
    QuestionDismissed,
    QuestionStarred,
    QuestionUpvoted,
    WebinarEnded,
    WebinarStarted,
)
from podium.services import green_room
from podium.web.live_counts import LiveCounts

if TYPE_CHECKING:
    from podium.web.runtime import Runtime

REPLAY = 200  # messages kept per webinar for pages that reconnect
# Frames waiting for one page: a page this far behind (its connection does not take what is
# sent) is dropped rather than holding memory; it reconnects and resumes from the ring.
BACKLOG = 100
CHANNELS = 500  # webinars whose recent messages are kept (the least recently used go)


# The dashboard's live view: everything the host's console hears, and the names of who joins
# and leaves (which the console, and its backlog, never carry).
ORGANISER = "organiser"


@dataclass(frozen=True, slots=True)
class Frame:
    """One message as the pages receive it: serialised once, whoever receives it."""

    seq: int
    event: str
    text: str  # the whole SSE frame: id, event, data
    roles: tuple[str, ...]
    to: str = ""  # an e-mail (lower case) that receives it whatever its role

    def reaches(self, subscriber: Subscriber) -> bool:
        return subscriber.role in self.roles or (bool(self.to) and subscriber.email == self.to)


CLOSE = Frame(0, "", "", ())  # the stream ends there; the page reconnects with Last-Event-ID


class Mailbox:
    """A page's frames waiting to be sent: asyncio.Queue's calls, at a fraction of its size
    (no task accounting, one waiter: the page's stream)."""

    __slots__ = ("_frames", "_waiter")

    def __init__(self) -> None:
        self._frames: deque[Frame] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, frame: Frame) -> None:
        if len(self._frames) >= BACKLOG:
            raise asyncio.QueueFull
        self._frames.append(frame)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def get_nowait(self) -> Frame:
        if not self._frames:
            raise asyncio.QueueEmpty
        return self._frames.popleft()

    async def get(self) -> Frame:
        while not self._frames:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._frames.popleft()

    def qsize(self) -> int:
        return len(self._frames)

    def empty(self) -> bool:
        return not self._frames


@dataclass(eq=False)
class Subscriber:
    role: str
    email: str = ""  # lower case: private answers find their asker by it
    queue: Mailbox = field(default_factory=Mailbox)
    dropped: bool = False  # too slow: its stream ends, the page resumes with Last-Event-ID


@dataclass(eq=False)
class Channel:
    """A webinar's subscribers and its recent frames; `floor`: frames up to that seq may
    be missing from `recent` (before the channel existed, or pushed out of the ring)."""

    floor: int
    recent: deque[Frame]
    subscribers: set[Subscriber] = field(default_factory=set)
    # The same by role: a frame for the host alone (one per join) does not look at 10,000 pages.
    by_role: dict[str, set[Subscriber]] = field(default_factory=dict)

    def add(self, subscriber: Subscriber) -> None:
        self.subscribers.add(subscriber)
        self.by_role.setdefault(subscriber.role, set()).add(subscriber)

    def discard(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        self.by_role.get(subscriber.role, set()).discard(subscriber)

    def reached(self, frame: Frame) -> list[Subscriber]:
        """The subscribers `frame` reaches."""
        if frame.to:  # rare (a private answer): its roles and its one reader
            return [subscriber for subscriber in self.subscribers if frame.reaches(subscriber)]
        return [s for role in dict.fromkeys(frame.roles) for s in self.by_role.get(role, ())]


class LiveHub:
    """In-process fan-out of live messages to the pages connected to a webinar.

    Messages may be published from any thread (a unit of work committed by the CLI or a test
    thread): they are handed to the event loop the hub runs on, where everything else runs.
    """

    def __init__(self, replay: int = REPLAY, channels: int = CHANNELS) -> None:
        self.epoch = secrets.token_hex(4)
        self._seq = 0
        self._replay, self._max_channels = replay, channels
        self._channels: OrderedDict[int, Channel] = OrderedDict()
        # Set while a cross-process relay runs (web/relay.py): True when it took the message.
        self.relay: Callable[[dict[str, Any]], bool] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread: int | None = None
        # Messages whose name starts with "_" are facts for the live counts (web/live_counts.py).
        self.facts: Callable[[int, dict[str, Any]], None] | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The hub delivers on `loop` (the app's, from its lifespan)."""
        self.loop, self.loop_thread = loop, threading.get_ident()

    def _channel(self, webinar_id: int) -> Channel:
        channel = self._channels.get(webinar_id)
        if channel is None:
            channel = Channel(self._seq, deque(maxlen=self._replay))
            self._channels[webinar_id] = channel
            idle = [key for key, c in self._channels.items() if not c.subscribers]
            for key in idle[: max(0, len(self._channels) - self._max_channels)]:
                del self._channels[key]
        self._channels.move_to_end(webinar_id)
        return channel

    # -- the pages' side -----------------------------------------------------------------------

    def subscribe(self, webinar_id: int, role: str, email: str = "") -> Subscriber:
        subscriber = Subscriber(role, email.lower())
        self._channel(webinar_id).add(subscriber)
        return subscriber

    def unsubscribe(self, webinar_id: int, subscriber: Subscriber) -> None:
        channel = self._channels.get(webinar_id)
        if channel is not None:
            channel.discard(subscriber)

    def cursor(self) -> str:
        """The id of "now": a page that has seen everything up to here resumes from it."""
        return f"{self.epoch}-{self._seq}"

    def since(
        self, webinar_id: int, last_event_id: str, subscriber: Subscriber
    ) -> list[Frame] | None:
        """The frames for `subscriber` after `last_event_id`, or None when they cannot all
        be given (another epoch, or the ring moved on): the page then needs a fresh state."""
        epoch, _, number = last_event_id.partition("-")
        if epoch != self.epoch or not number.isascii() or not number.isdigit():
            return None
        last = int(number)
        channel = self._channel(webinar_id)
        if last < channel.floor or last > self._seq:
            return None
        return [f for f in channel.recent if f.seq > last and f.reaches(subscriber)]

    def disconnect(self, webinar_id: int) -> None:
        """End every stream of the webinar now; the pages reconnect with Last-Event-ID."""
        for subscriber in list(self._channel(webinar_id).subscribers):
            self.end(webinar_id, subscriber)

    def end(self, webinar_id: int, subscriber: Subscriber) -> None:
        """End one page's stream (after the frames it has not sent yet, if they fit)."""
        try:
            subscriber.queue.put_nowait(CLOSE)
        except asyncio.QueueFull:
            self.drop(webinar_id, subscriber)

    def reconnect_all(self) -> None:
        """This process is stopping: every stream here ends now, so its page comes back at
        once (to this server's successor, or another worker) with Last-Event-ID."""
        for webinar_id in list(self._channels):
            self.disconnect(webinar_id)

    # -- the events' side -------------------------------------------------------------------

    def publish(
        self,
        webinar_id: int,
        event: str,
        data: dict[str, Any],
        roles: Sequence[str] = EVERYONE,
        to: str = "",
    ) -> None:
        if self.loop is not None and threading.get_ident() != self.loop_thread:
            if not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self.publish, webinar_id, event, data, roles, to)
            return
        message = {"w": webinar_id, "e": event, "d": data, "r": list(roles), "t": to}
        if self.relay is not None and self.relay(message):
            return  # every process, this one included, delivers it when NOTIFY comes back
        self.deliver(webinar_id, event, data, tuple(roles), to)

    def deliver(
        self,
        webinar_id: int,
        event: str,
        data: dict[str, Any],
        roles: tuple[str, ...],
        to: str = "",
    ) -> None:
        if event.startswith("_"):
            if self.facts is not None:
                self.facts(webinar_id, data)
            return
        self._seq += 1
        text = f"id: {self.epoch}-{self._seq}\nevent: {event}\ndata: {json.dumps(data)}\n\n"
        if Role.HOST in roles:  # the dashboard's view hears what the host's console hears
            roles = (*roles, ORGANISER)
        frame = Frame(self._seq, event, text, roles, to.lower())
        channel = self._channel(webinar_id)
        if len(channel.recent) == channel.recent.maxlen:
            channel.floor = channel.recent[0].seq
        channel.recent.append(frame)
        slow = []
        for subscriber in channel.reached(frame):
            try:
                subscriber.queue.put_nowait(frame)
            except asyncio.QueueFull:
                slow.append(subscriber)
        for subscriber in slow:
            self.drop(webinar_id, subscriber)

    def drop(self, webinar_id: int, subscriber: Subscriber) -> None:
        """A page too slow to take its frames: its backlog goes and its stream ends (the
        page reconnects with Last-Event-ID: the ring, or a fresh state, catches it up)."""
        self.unsubscribe(webinar_id, subscriber)
        subscriber.dropped = True
        while not subscriber.queue.empty():
            subscriber.queue.get_nowait()
        subscriber.queue.put_nowait(CLOSE)


class LiveFeed:
    """A live consumer of the runtime: committed events → the pages' messages (table above).

    Votes, joins, leaves and upvotes become facts for the live counts (web/live_counts.py),
    which keep results, presence and upvotes in memory and push them coalesced: no database
    work per vote or join. The green room (the staff only) is read once per batch of events.
    """

    def __init__(self, runtime: Runtime, hub: LiveHub) -> None:
        self.runtime = runtime
        self.hub = hub
        self.counts = LiveCounts(
            hub, partial(runtime.run, writes=False), background=runtime.background
        )

    def __call__(self, events: Sequence[Event]) -> None:
        waiting: dict[int, int] = {}  # webinar id → its webinar's seq, for the green room
        people: dict[tuple[int, str], list[dict[str, Any]]] = {}  # who joined / left, a batch
        for event in events:
            fact = _fact(event)
            if fact is not None:
                self.counts.note(*fact)
            if isinstance(event, ParticipantJoined | ParticipantLeft):
                who = event.participant
                name = "joined" if isinstance(event, ParticipantJoined) else "left"
                people.setdefault((event.webinar.id, name), []).append(
                    {"attendance_id": who.attendance_id, "name": who.name, "role": who.role}
                )
            if isinstance(event, GreenRoomChanged):
                waiting[event.webinar_id] = event.webinar_seq
                continue
            message = _message(event)
            if message is not None:
                self.hub.publish(*message)
        for (webinar_id, name), batch in people.items():
            self.hub.publish(webinar_id, name, {"people": batch}, (ORGANISER,))
        for webinar_id, seq in waiting.items():
            staff = self.runtime.run(partial(_waiting, seq), writes=False)
            self.hub.publish(webinar_id, "green_room", {"people": staff}, STAFF)


def _fact(event: Event) -> tuple[int, list[Any]] | None:
    """(webinar id, fact) of an event the live counts hear (web/live_counts.py)."""
    match event:
        case ParticipantJoined(webinar=webinar, instance_uuid=uuid, participant=who):
            return webinar.id, ["joined", uuid, who.attendance_id]
        case ParticipantLeft(webinar=webinar, instance_uuid=uuid, participant=who):
            return webinar.id, ["left", uuid, who.attendance_id]
        case WebinarEnded(webinar=webinar):
            return webinar.id, ["ended"]
        case QuestionUpvoted(webinar_id=webinar_id, question_id=question_id):
            return webinar_id, ["upvotes", question_id, event.upvotes]
    return _poll_fact(event)


def _poll_fact(event: Event) -> tuple[int, list[Any]] | None:
    match event:
        case PollAnswered(webinar_id=webinar_id, poll_id=poll_id, instance_id=instance_id):
            answers = {question: list(chosen) for question, chosen in event.answers.items()}
            vote = [poll_id, instance_id, event.email, answers, event.at.timestamp()]
            return webinar_id, ["vote", *vote]
        case PollResultsShared(webinar_id=webinar_id, poll_id=poll_id, instance_id=instance_id):
            return webinar_id, ["shared", poll_id, instance_id]
        case PollLaunched(webinar_id=webinar_id, poll_id=poll_id, instance_id=instance_id):
            return webinar_id, ["launched", poll_id, instance_id]
    return None


Message = tuple[int, str, dict[str, Any], Sequence[str], str]


def _message(event: Event) -> Message | None:
    """(webinar id, message name, data, roles, e-mail) of an event the pages hear as it is."""
    match event:
        case WebinarStarted(webinar=webinar, instance_uuid=uuid):
            return webinar.id, "started", {"uuid": uuid}, EVERYONE, ""
        case WebinarEnded(webinar=webinar):
            return webinar.id, "ended", {}, EVERYONE, ""
        case PollLaunched(webinar_id=webinar_id, poll_id=poll_id, title=title):
            shown = {"poll_id": poll_id, "title": title, "questions": list(event.questions)}
            return webinar_id, "poll", shown, EVERYONE, ""
        case PollClosed(webinar_id=webinar_id, poll_id=poll_id):
            return webinar_id, "poll_closed", {"poll_id": poll_id}, EVERYONE, ""
    return _qa_message(event)


def _qa_message(event: Event) -> Message | None:
    """The same, for the events of the Q&A."""
    match event:
        case QuestionAsked(webinar_id=webinar_id, question_id=question_id):
            shown = {"question_id": question_id, "name": event.name, "question": event.question}
            return webinar_id, "question", shown | {"upvotes": 0}, EVERYONE, ""
        case QuestionAnswered(webinar_id=webinar_id, question_id=question_id):
            shown = {"question_id": question_id, "question": event.question}
            shown |= {"answer": event.answer, "private": event.private}
            # A private answer: the staff, and the one who asked (found by e-mail).
            roles, to = (STAFF, event.asker_email) if event.private else (EVERYONE, "")
            return webinar_id, "answer", shown, roles, to
        case QuestionDismissed(webinar_id=webinar_id, question_id=question_id):
            return webinar_id, "dismissed", {"question_id": question_id}, EVERYONE, ""
        case QuestionStarred(webinar_id=webinar_id, question_id=question_id):
            shown = {"question_id": question_id, "starred": event.starred}
            return webinar_id, "starred", shown, STAFF, ""
    return None


def _waiting(webinar_seq: int, session: Session) -> list[dict[str, str]]:
    return [
        {"name": person.name, "role": person.role}
        for person in green_room.waiting(session, webinar_seq)
    ]
