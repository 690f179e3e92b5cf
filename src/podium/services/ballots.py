"""A vote's hot path on the DBAPI cursor (db/plain.PlainQuery), without ORM objects: the
webinar (not deleted), its running session and the poll in one statement, the voter's
earlier answers deleted and the new ones inserted by prebuilt statements. The rules are the
ORM path's (`polls.vote`: the same checks, through `polls.chosen_answers`), and so is the
event recorded; the live action falls back to that path for every refusal, so the refusals
keep their order."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from podium.db.models import Poll, PollAnswer, Webinar, WebinarInstance
from podium.db.plain import PlainQuery
from podium.errors import PollIsClosed
from podium.events import PollAnswered
from podium.services.events import record
from podium.services.instances import Participant
from podium.services.polls import PollQuestion, chosen_answers


@cache
def _running_query() -> PlainQuery:
    webinars = cast("Table", Webinar.__table__)
    sessions = cast("Table", WebinarInstance.__table__)
    polls = cast("Table", Poll.__table__)
    return PlainQuery(
        select(
            webinars.c.id.label("webinar_id"),
            sessions.c.id.label("instance_id"),
            polls.c.id.label("poll_id"),
            polls.c.questions,
            polls.c.closed_at,
            polls.c.instance_id.label("ran_in"),
        )
        .select_from(webinars)
        .join(sessions, (sessions.c.webinar_seq == webinars.c.seq) & sessions.c.ended_at.is_(None))
        .join(polls, (polls.c.webinar_seq == webinars.c.seq) & (polls.c.id == bindparam("poll_id")))
        .where(webinars.c.id == bindparam("webinar_id"), webinars.c.deleted_at.is_(None))
    )


@cache
def _forget_query() -> PlainQuery:
    answers = cast("Table", PollAnswer.__table__)
    return PlainQuery(
        delete(answers).where(
            answers.c.poll_id == bindparam("poll_id"),
            answers.c.instance_id == bindparam("instance_id"),
            answers.c.email == bindparam("email"),
        )
    )


@cache
def _insert_query() -> PlainQuery:
    answers = cast("Table", PollAnswer.__table__)
    names = ("poll_id", "instance_id", "name", "email", "question", "answer", "answered_at")
    return PlainQuery(insert(answers).values({name: bindparam(name) for name in names}))


@lru_cache(maxsize=256)
def _questions(stored: str) -> tuple[PollQuestion, ...]:
    """A poll's questions from their stored JSON (the same text parses once)."""
    return tuple(
        PollQuestion(q["name"], q["type"], tuple(q["answers"])) for q in json.loads(stored)
    )


def running_poll(session: Session, webinar_id: int, poll_id: int) -> Any | None:
    """(webinar_id, instance_id, poll_id, questions, closed_at, ran_in) of the webinar's
    poll when the webinar exists (not deleted) and a session of it runs; else None."""
    return _running_query().first(
        session.connection(), {"webinar_id": webinar_id, "poll_id": poll_id}
    )


def vote(
    session: Session,
    running: Any,
    participant: Participant,
    choices: dict[str, list[str]],
    *,
    now: datetime,
) -> None:
    """`polls.vote` for a `running_poll` row: the answers replace the voter's earlier ones."""
    if running.closed_at is not None and running.ran_in == running.instance_id:
        raise PollIsClosed
    chosen = chosen_answers(_questions(running.questions), choices)
    connection = session.connection()
    voter = {
        "poll_id": running.poll_id,
        "instance_id": running.instance_id,
        "email": participant.email,
    }
    _forget_query().execute(connection, voter)
    for question, answer in chosen:
        _insert_query().execute(
            connection,
            voter
            | {"name": participant.name, "question": question, "answer": answer}
            | {"answered_at": now},
        )
    record(
        session,
        PollAnswered(
            webinar_id=running.webinar_id,
            instance_id=running.instance_id,
            poll_id=running.poll_id,
            email=participant.email,
            answers={question: tuple(answer.split(";")) for question, answer in chosen},
            at=now,
        ),
    )
