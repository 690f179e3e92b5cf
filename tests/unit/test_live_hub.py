"""The live hub's event ids and replay: a page that reconnects with Last-Event-ID gets what it
missed, for its role (and its private answers), or None — then it needs a fresh state —
when that can no longer be given exactly."""

from __future__ import annotations

from typing import Any

from podium.codes import EVERYONE, STAFF, Role
from podium.web.live_hub import BACKLOG, CLOSE, ORGANISER, REPLAY, Frame, LiveHub, Subscriber


def drain(subscriber: Subscriber) -> list[Frame]:
    return [subscriber.queue.get_nowait() for _ in range(subscriber.queue.qsize())]


def test_each_message_is_one_frame_with_a_growing_id() -> None:
    hub = LiveHub()
    ann = hub.subscribe(7, Role.ATTENDEE, "Ann@X.io")

    hub.publish(7, "poll", {"poll_id": 1})
    hub.publish(8, "poll", {"poll_id": 2})  # another webinar
    hub.publish(7, "question", {"question_id": 3}, STAFF)
    hub.publish(7, "answer", {"answer": "Yes"}, STAFF, to="ann@x.io")

    assert [f.text for f in drain(ann)] == [
        f'id: {hub.epoch}-1\nevent: poll\ndata: {{"poll_id": 1}}\n\n',
        f'id: {hub.epoch}-4\nevent: answer\ndata: {{"answer": "Yes"}}\n\n',
    ]
    assert hub.cursor() == f"{hub.epoch}-4"


def test_a_page_that_reconnects_gets_what_it_missed_for_itself() -> None:
    hub = LiveHub()
    hub.publish(7, "started", {})
    seen = hub.cursor()
    hub.publish(7, "poll", {"poll_id": 1})
    hub.publish(7, "question", {"question_id": 3}, STAFF)
    hub.publish(7, "answer", {"answer": "Private"}, STAFF, to="ann@x.io")
    hub.publish(7, "answer", {"answer": "Public"}, EVERYONE)
    ann = hub.subscribe(7, Role.ATTENDEE, "ann@x.io")
    bob = hub.subscribe(7, Role.ATTENDEE, "bob@x.io")
    host = hub.subscribe(7, Role.HOST)

    def events(subscriber: Subscriber) -> list[str] | None:
        frames = hub.since(7, seen, subscriber)
        return None if frames is None else [f.event for f in frames]

    assert events(ann) == ["poll", "answer", "answer"]
    assert events(bob) == ["poll", "answer"]
    assert events(host) == ["poll", "question", "answer", "answer"]
    assert hub.since(7, hub.cursor(), ann) == []


def test_no_replay_when_it_cannot_be_exact() -> None:
    hub = LiveHub(replay=3)
    ann = hub.subscribe(7, Role.ATTENDEE)
    early = hub.cursor()
    for number in range(3):
        hub.publish(7, "poll", {"poll_id": number})
    kept = hub.cursor()
    hub.publish(7, "poll", {"poll_id": 3})  # the ring holds 3: the first poll is gone

    assert hub.since(7, early, ann) is None
    assert [f.seq for f in hub.since(7, kept, ann) or []] == [4]
    assert hub.since(7, f"other-{hub._seq}", ann) is None  # another process, or a restart
    assert hub.since(7, f"{hub.epoch}-99", ann) is None  # from the future
    assert hub.since(7, "garbage", ann) is None
    assert hub.since(9, early, ann) is None  # a webinar this hub has no ring for yet


def test_disconnect_ends_every_stream_of_the_webinar() -> None:
    hub = LiveHub()
    ann = hub.subscribe(7, Role.ATTENDEE)
    other = hub.subscribe(8, Role.ATTENDEE)

    hub.disconnect(7)

    assert drain(ann) == [CLOSE]
    assert drain(other) == []


def test_idle_webinars_rings_are_forgotten_first() -> None:
    hub = LiveHub(channels=2)
    watched = hub.subscribe(1, Role.ATTENDEE)
    hub.publish(1, "poll", {})
    hub.publish(2, "poll", {})
    seen = hub.cursor()
    hub.publish(3, "poll", {})  # a third ring: webinar 2's goes (nobody watches it)

    assert hub.since(1, f"{hub.epoch}-0", watched) is not None
    assert hub.since(2, seen, Subscriber(Role.ATTENDEE)) is None


def test_a_page_too_slow_is_dropped_and_resumes_from_the_ring() -> None:
    hub = LiveHub(replay=REPLAY)
    slow = hub.subscribe(7, Role.ATTENDEE)
    quick = hub.subscribe(7, Role.ATTENDEE)
    seen = hub.cursor()

    for number in range(BACKLOG + 1):  # the slow page takes nothing; the quick one all
        hub.publish(7, "poll", {"poll_id": number})
        drain(quick)

    assert (slow.dropped, quick.dropped) == (True, False)
    assert drain(slow) == [CLOSE]  # its backlog went: the stream ends
    hub.publish(7, "ended", {})
    assert drain(slow) == []  # no longer subscribed
    assert [f.event for f in drain(quick)] == ["ended"]
    again = hub.subscribe(7, Role.ATTENDEE)  # the page reconnects with Last-Event-ID
    resumed = hub.since(7, seen, again)
    assert resumed is not None
    assert [f.text.split("data: ")[1] for f in resumed][:2] == [
        '{"poll_id": 0}\n\n',
        '{"poll_id": 1}\n\n',
    ]
    assert len(resumed) == BACKLOG + 2


def test_the_dashboards_view_hears_what_the_host_hears_and_the_names_alone() -> None:
    hub = LiveHub()
    view, console, attendee = (hub.subscribe(1, role) for role in (ORGANISER, "host", "attendee"))

    hub.deliver(1, "presence", {"present": 3}, ("host",))
    hub.deliver(1, "joined", {"people": []}, (ORGANISER,))
    hub.deliver(1, "question", {"question_id": 1}, ("host", "panelist", "attendee"))

    def heard(subscriber: Any) -> list[str]:
        events = []
        while not subscriber.queue.empty():
            events.append(subscriber.queue.get_nowait().event)
        return events

    assert heard(view) == ["presence", "joined", "question"]
    assert heard(console) == ["presence", "question"]
    assert heard(attendee) == ["question"]
