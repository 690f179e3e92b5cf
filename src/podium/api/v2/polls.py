"""v2 poll handlers: the same polls the host launches in the console."""

from __future__ import annotations

from podium.api.v2 import shapes
from podium.api.v2.bodies import PollBody, PollsQuery
from podium.api.v2.call import Answer, V2Call
from podium.db.models import Webinar
from podium.services import lookup, polls


def _webinar(call: V2Call) -> Webinar:
    return lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)


def _definition(body: PollBody) -> tuple[str, tuple[polls.PollQuestion, ...]]:
    """The poll's rules are the services' (polls.parse_poll), whatever the dialect."""
    return polls.parse_poll(
        {
            "title": body.title,
            "questions": [
                {"name": q.name, "type": q.type, "answers": q.answers} for q in body.questions
            ],
        }
    )


def list_polls(call: V2Call) -> Answer:
    query: PollsQuery = call.query
    webinar = _webinar(call)
    answered = polls.answered_polls(call.session, webinar)
    found = [] if query.anonymous else polls.list_polls(call.session, webinar)
    return {"total_records": len(found), "polls": [shapes.poll(p, answered) for p in found]}


def create_poll(call: V2Call) -> Answer:
    webinar = _webinar(call)
    title, questions = _definition(call.body)
    created = polls.create_poll(call.session, webinar, title, questions, now=call.now)
    return shapes.poll(created, ())


def get_poll(call: V2Call) -> Answer:
    webinar = _webinar(call)
    found = polls.find_poll(call.session, webinar, call.path["pollId"])
    return shapes.poll(found, polls.answered_polls(call.session, webinar))


def update_poll(call: V2Call) -> Answer:
    webinar = _webinar(call)
    found = polls.find_poll(call.session, webinar, call.path["pollId"])
    title, questions = _definition(call.body)
    polls.replace_poll(call.session, found, title, questions)
    return None


def delete_poll(call: V2Call) -> Answer:
    webinar = _webinar(call)
    polls.delete_poll(call.session, polls.find_poll(call.session, webinar, call.path["pollId"]))
    return None
