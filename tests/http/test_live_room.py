"""Polls and Q&A while a webinar runs: the host closes a poll and shares its results;
attendees upvote others' questions; the staff dismiss, star and answer publicly or
privately — each heard live by exactly those it concerns, and each in the state a page gets
when it (re)connects."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import Role
from podium.db.models import Poll, QaQuestion
from podium.services import instances as running
from podium.services.instances import Participant
from podium.web.live_hub import Subscriber
from podium.web.public.live_state import snapshot
from tests.conftest import AccountKeys
from tests.http.live_helpers import webinar_row
from tests.http.registration_helpers import create_webinar
from tests.http.test_live import act, attendee_pass, host_pass

POLL = {
    "title": "Pulse",
    "questions": [
        {"name": "Mood?", "type": "single", "answers": ["Good", "Bad"]},
        {"name": "Topics?", "type": "multiple", "answers": ["A", "B"]},
    ],
}


def heard(subscriber: Subscriber, count: int) -> list[tuple[str, Any]]:
    """The page's messages, once `count` have come (on PostgreSQL they make a NOTIFY round
    trip), and any more that came with them."""
    deadline = time.monotonic() + 60
    while subscriber.queue.qsize() < count and time.monotonic() < deadline:
        time.sleep(0.01)
    frames = [subscriber.queue.get_nowait() for _ in range(subscriber.queue.qsize())]
    return [(f.event, json.loads(f.text.split("data: ", 1)[1])) for f in frames]


def heard_until(
    subscriber: Subscriber, done: Callable[[list[tuple[str, Any]]], bool]
) -> list[tuple[str, Any]]:
    """The page's messages until `done` says they are all there (within a deadline)."""
    got: list[tuple[str, Any]] = []
    deadline = time.monotonic() + 5
    while not done(got) and time.monotonic() < deadline:
        got += heard(subscriber, 0)
        time.sleep(0.01)
    return got


def upvotes_settled(messages: list[tuple[str, Any]]) -> bool:
    """Upvotes are pushed coalesced (at most 4 a second): the first change at once, the last
    one always; the messages are there once "dismissed" and the final count (1) came."""
    counts = [data["upvotes"] for event, data in messages if event == "upvotes"]
    dismissed = any(event == "dismissed" for event, _data in messages)
    return dismissed and counts[-1:] == [1] and len(counts) > 1


def live_webinar(client: TestClient, account: AccountKeys) -> tuple[int, str, str, str]:
    webinar_id = create_webinar(client, account)
    host = host_pass(client, account, webinar_id)
    ann = attendee_pass(client, account, webinar_id, "ann@x.io")
    bob = attendee_pass(client, account, webinar_id, "bob@x.io")
    app: Any = client.app
    probe = app.state.hub.subscribe(webinar_id, Role.HOST)
    act(client, webinar_id, host, "start", {"early": True})
    assert heard(probe, 1)[0][0] == "started"  # delivered: later listeners will not hear it
    return webinar_id, host, ann, bob


def test_the_host_closes_a_poll_and_shares_its_results(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id, host, ann, bob = live_webinar(client, account)
    poll_id = act(client, webinar_id, host, "polls", POLL)[1]["poll_id"]
    app: Any = client.app
    audience = app.state.hub.subscribe(webinar_id, Role.ATTENDEE)
    console = app.state.hub.subscribe(webinar_id, Role.HOST)
    act(client, webinar_id, host, "launch", {"poll_id": poll_id})
    vote = {"poll_id": poll_id, "answers": {"Mood?": ["Good"], "Topics?": ["A", "B"]}}

    voted = act(client, webinar_id, ann, "vote", vote)
    closed = act(client, webinar_id, host, "close", {"poll_id": poll_id})
    too_late = act(client, webinar_id, bob, "vote", vote)
    shared = act(client, webinar_id, host, "share", {"poll_id": poll_id})
    unknown = act(client, webinar_id, host, "close", {"poll_id": poll_id + 1})
    not_host = act(client, webinar_id, ann, "share", {"poll_id": poll_id})

    results = {"Mood?": {"Good": 1, "Bad": 0}, "Topics?": {"A": 1, "B": 1}}
    assert (voted[0], closed, shared) == (
        200,
        (200, {"poll_id": poll_id, "closed": True}),
        (200, {"poll_id": poll_id, "shared": True}),
    )
    assert too_late == (409, {"error": "This poll is closed."})
    assert unknown == (400, {"error": "Invalid parameter: poll_id. No such poll in this webinar."})
    assert not_host == (403, {"error": "Not allowed for your role."})
    launched = {"poll_id": poll_id, "title": "Pulse", "questions": POLL["questions"]}
    assert heard(audience, 3) == [
        ("poll", launched),
        ("poll_closed", {"poll_id": poll_id}),
        ("results", {"poll_id": poll_id, "results": results, "shared": True}),
    ]
    assert heard(console, 4) == [
        ("poll", launched),
        ("results", {"poll_id": poll_id, "results": results, "shared": False}),
        ("poll_closed", {"poll_id": poll_id}),
        ("results", {"poll_id": poll_id, "results": results, "shared": True}),
    ]
    poll = session.execute(select(Poll)).scalar_one()
    assert (poll.closed_at is not None, poll.shared_at is not None) == (True, True)


def test_questions_are_upvoted_dismissed_starred_and_answered_privately(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id, host, ann, bob = live_webinar(client, account)
    app: Any = client.app
    hub = app.state.hub
    ann_page = hub.subscribe(webinar_id, Role.ATTENDEE, "ann@x.io")
    bob_page = hub.subscribe(webinar_id, Role.ATTENDEE, "Bob@x.io")
    console = hub.subscribe(webinar_id, Role.HOST, "host@acme.test")
    mine = act(client, webinar_id, ann, "ask", {"question": "Slides?"})[1]["question_id"]
    other = act(client, webinar_id, bob, "ask", {"question": "Recording?"})[1]["question_id"]

    own = act(client, webinar_id, ann, "upvote", {"question_id": mine})
    up = act(client, webinar_id, bob, "upvote", {"question_id": mine})
    again = act(client, webinar_id, bob, "upvote", {"question_id": mine})
    up_again = act(client, webinar_id, bob, "upvote", {"question_id": mine})
    starred = act(client, webinar_id, host, "star", {"question_id": mine})
    private = act(
        client,
        webinar_id,
        host,
        "reply",
        {"question_id": mine, "answer": "Tonight", "private": True},
    )
    dismissed = act(client, webinar_id, host, "dismiss", {"question_id": other})
    gone = act(client, webinar_id, ann, "upvote", {"question_id": other})
    attendee_star = act(client, webinar_id, ann, "star", {"question_id": mine})

    assert own == (409, {"error": "You cannot upvote your own question."})
    assert (up, again, up_again) == (
        (200, {"question_id": mine, "upvotes": 1}),
        (200, {"question_id": mine, "upvotes": 0}),
        (200, {"question_id": mine, "upvotes": 1}),
    )
    assert starred == (200, {"question_id": mine, "starred": True})
    assert private == (
        200,
        {"question_id": mine, "question": "Slides?", "answer": "Tonight", "private": True},
    )
    assert dismissed == (200, {"question_id": other, "dismissed": True})
    assert gone == (
        400,
        {"error": "Invalid parameter: question_id. No such question in this session."},
    )
    assert attendee_star == (403, {"error": "Not allowed for your role."})
    asked = [
        (
            "question",
            {"question_id": mine, "name": "Ada Lovelace", "question": "Slides?", "upvotes": 0},
        ),
        (
            "question",
            {"question_id": other, "name": "Ada Lovelace", "question": "Recording?", "upvotes": 0},
        ),
    ]
    answer = (
        "answer",
        {"question_id": mine, "question": "Slides?", "answer": "Tonight", "private": True},
    )
    dismissal = ("dismissed", {"question_id": other})
    pages = {
        "console": (console, [*asked, ("starred", {"question_id": mine, "starred": True})]),
        "ann": (ann_page, asked),
        "bob": (bob_page, asked),
    }
    expected = {
        "console": [*pages["console"][1], answer, dismissal],
        "ann": [*asked, answer, dismissal],
        "bob": [*asked, dismissal],  # no answer: it was private to ann
    }
    for name, (page, _) in pages.items():
        messages = heard_until(page, upvotes_settled)
        upvoted = [data for event, data in messages if event == "upvotes"]
        assert [m for m in messages if m[0] != "upvotes"] == expected[name]
        assert upvoted[0] == upvoted[-1] == {"question_id": mine, "upvotes": 1}
        assert len(upvoted) in (2, 3)  # 1, (0 when a second had passed,) then the last: 1
    rows = session.execute(select(QaQuestion).order_by(QaQuestion.id)).scalars().all()
    assert [(r.upvotes, r.is_starred, r.is_private, r.dismissed_at is not None) for r in rows] == [
        (1, True, True, False),
        (0, False, False, True),
    ]


def test_a_page_that_connects_gets_the_whole_state_as_its_person_sees_it(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id, host, ann, bob = live_webinar(client, account)
    poll_id = act(client, webinar_id, host, "polls", POLL)[1]["poll_id"]
    act(client, webinar_id, host, "launch", {"poll_id": poll_id})
    act(client, webinar_id, ann, "vote", {"poll_id": poll_id, "answers": {"Mood?": ["Bad"]}})
    mine = act(client, webinar_id, ann, "ask", {"question": "Slides?"})[1]["question_id"]
    act(client, webinar_id, bob, "upvote", {"question_id": mine})
    act(client, webinar_id, host, "reply", {"question_id": mine, "answer": "Yes", "private": True})
    act(client, webinar_id, host, "star", {"question_id": mine})
    webinar = webinar_row(session, webinar_id)
    instance = running.running_instance(session, webinar)
    people = {
        name: Participant(role, name, f"{name}@x.io")
        for role, name in ((Role.ATTENDEE, "ann"), (Role.ATTENDEE, "bob"), (Role.HOST, "host"))
    }

    seen = {name: snapshot(session, webinar, instance, who) for name, who in people.items()}

    poll = {
        "poll_id": poll_id,
        "title": "Pulse",
        "questions": POLL["questions"],
        "closed": False,
        "shared": False,
    }
    question = {
        "question_id": mine,
        "name": "Ada Lovelace",
        "question": "Slides?",
        "answered": True,
        "private": True,
        "upvotes": 1,
    }
    assert seen["ann"] == {
        "status": "live",
        "topic": "Launch",
        "polls": [poll | {"answers": {"Mood?": ["Bad"]}, "results": None}],
        "questions": [
            question | {"answer": "Yes", "mine": True, "upvoted": False, "starred": False}
        ],
    }
    assert seen["bob"]["questions"] == [
        question | {"answer": None, "mine": False, "upvoted": True, "starred": False}
    ]
    assert seen["host"] == {
        "status": "live",
        "topic": "Launch",
        "people": [],
        "present": 0,
        "polls": [
            poll
            | {
                "answers": {},
                "results": {"Mood?": {"Good": 0, "Bad": 1}, "Topics?": {"A": 0, "B": 0}},
            }
        ],
        "questions": [
            question | {"answer": "Yes", "mine": False, "upvoted": False, "starred": True}
        ],
    }
