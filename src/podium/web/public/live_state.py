"""What a live page is told when it connects (or reconnects without a replay): the whole
state as this participant sees it, so the page can draw itself from nothing.

    {status: waiting | live | ended, topic,
     present (host), people: [{name, role}] (host and panelists: the green room),
     polls: [{poll_id, title, questions, closed, shared, answers, results}]  (launched in this
            session; results for the host, and for everyone once shared),
     questions: [{question_id, name, question, answer, answered, private, upvotes, mine,
                  upvoted, starred}]}
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from podium.codes import STAFF, Role
from podium.db.models import Webinar, WebinarInstance
from podium.services import green_room, instances, poll_runs, qa
from podium.services.instances import Participant


def snapshot(
    session: Session,
    webinar: Webinar,
    instance: WebinarInstance | None,
    participant: Participant,
) -> dict[str, Any]:
    is_host = participant.role == Role.HOST
    status = "live" if instance else "waiting"
    if instance is None and green_room.has_ended(webinar):
        status = "ended"
    state: dict[str, Any] = {"status": status, "topic": webinar.topic, "polls": [], "questions": []}
    if participant.role in STAFF:
        state["people"] = [asdict(p) for p in green_room.waiting(session, webinar.seq)]
    if is_host:
        state["present"] = 0 if instance is None else instances.count_present(session, instance)
    if instance is None:
        return state
    runs = [
        poll_runs.poll_run(session, poll, instance, email=participant.email, is_host=is_host)
        for poll in poll_runs.launched_polls(session, instance)
    ]
    state["polls"] = [_poll(run) for run in runs]
    state["questions"] = [
        _question(view) for view in qa.visible_questions(session, instance, participant)
    ]
    return state


def _poll(run: poll_runs.PollRun) -> dict[str, Any]:
    return {
        "poll_id": run.poll_id,
        "title": run.title,
        "questions": [
            {"name": q.name, "type": q.type, "answers": list(q.answers)} for q in run.questions
        ],
        "closed": run.is_closed,
        "shared": run.is_shared,
        "answers": run.answers,
        "results": run.results,
    }


def _question(view: qa.QuestionView) -> dict[str, Any]:
    return {
        "question_id": view.question_id,
        "name": view.name,
        "question": view.question,
        "answer": view.answer,
        "answered": view.is_answered,
        "private": view.is_private,
        "upvotes": view.upvotes,
        "mine": view.is_mine,
        "upvoted": view.has_my_upvote,
        "starred": view.is_starred,
    }
