"""The live counts (web/live_counts.py) on a real database: a tally is seeded from what the
database holds, facts heard twice count once, and the host's page hears results and presence
in the messages' usual shapes."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from podium.codes import Role
from podium.ids import Ids
from podium.services import instances, polls
from podium.services.instances import Participant
from podium.web.live_counts import LiveCounts
from podium.web.live_hub import LiveHub, Subscriber
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.unit.test_attendance import make_webinar

ANN = Participant(Role.ATTENDEE, "Ann", "ann@x.io")


def heard(page: Subscriber) -> list[tuple[str, Any]]:
    frames = [page.queue.get_nowait() for _ in range(page.queue.qsize())]
    return [(f.event, json.loads(f.text.split("data: ", 1)[1])) for f in frames]


def test_tallies_start_from_the_database_and_count_each_fact_once(
    runtime: Runtime, session: Session, account: AccountKeys
) -> None:
    webinar = make_webinar(session, account)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(3), now=NOW)
    title, questions = polls.parse_poll(
        {"title": "Pulse", "questions": [{"name": "Mood?", "answers": ["Good", "Bad"]}]}
    )
    poll = polls.create_poll(session, webinar, title, questions, now=NOW)
    polls.vote(session, poll, instance, ANN, {"Mood?": ["Good"]}, now=NOW)  # before a restart
    joined = instances.join(session, instance, ANN, now=NOW)
    session.flush()
    hub = LiveHub()
    counts = LiveCounts(hub, partial(runtime.run, writes=False), background=False)
    host = hub.subscribe(webinar.id, Role.HOST)
    vote = ["vote", poll.id, instance.id, "bob@x.io", {"Mood?": ["Bad"]}, NOW.timestamp() + 1]

    counts.note(webinar.id, vote)
    counts.note(webinar.id, vote)  # heard twice (say, a retried NOTIFY): counted once
    counts.note(webinar.id, ["joined", instance.uuid, joined])  # already in the seed
    counts.note(webinar.id, ["joined", instance.uuid, joined + 1])
    counts.note(webinar.id, ["left", instance.uuid, joined + 1])

    results = {"poll_id": poll.id, "results": {"Mood?": {"Good": 1, "Bad": 1}}, "shared": False}
    messages = heard(host)  # no event loop here: every change is pushed at once
    last = dict(messages)  # the last of each
    assert last == {"results": results, "presence": {"present": 1}}
    assert [data for event, data in messages if event == "presence"] == [
        {"present": 1},  # the seed: ann's row (her join heard again changes nothing)
        {"present": 1},
        {"present": 2},
        {"present": 1},
    ]
    assert counts.polls[(webinar.id, poll.id, instance.id)].votes["bob@x.io"][1] == {
        "Mood?": ["Bad"]
    }
