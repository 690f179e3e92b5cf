"""Arranging sessions that ran: instances, joins, poll answers and questions, via services."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.codes import Role
from podium.db.models import Registrant, Webinar, WebinarInstance
from podium.ids import Ids
from podium.services import instances, polls, webinars
from podium.services.instances import Participant
from tests.conftest import NOW


def webinar_row(session: Session, webinar_id: int) -> Webinar:
    session.expire_all()
    return session.execute(select(Webinar).where(Webinar.id == webinar_id)).scalar_one()


def registrant_by_email(session: Session, email: str) -> Registrant:
    return session.execute(select(Registrant).where(Registrant.email == email)).scalar_one()


def attendee(session: Session, email: str) -> Participant:
    person = registrant_by_email(session, email)
    return Participant(
        Role.ATTENDEE,
        f"{person.first_name} {person.last_name}",
        person.email,
        registrant_pk=person.id,
        registrant_id=person.registrant_id,
    )


def minutes(n: float) -> datetime:
    return NOW + timedelta(minutes=n)


def run_session(
    session: Session,
    webinar_id: int,
    *,
    start: float,
    end: float,
    joins: list[tuple[Participant, float, float | None]],
    seed: int = 1,
) -> WebinarInstance:
    """A session from `start` to `end` minutes after NOW; joins (who, in, out or None)."""
    webinar = webinar_row(session, webinar_id)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(seed), now=minutes(start))
    for participant, joined, left in joins:
        row = instances.join(session, instance, participant, now=minutes(joined))
        if left is not None:
            instances.leave(session, row, now=minutes(left))
    webinars.end_webinar(session, webinar, now=minutes(end))
    session.flush()
    return instance


def answer_poll(
    session: Session,
    webinar_id: int,
    instance: WebinarInstance,
    votes: list[tuple[Participant, dict[str, list[str]]]],
) -> None:
    webinar = webinar_row(session, webinar_id)
    title, questions = polls.parse_poll(
        {
            "title": "Pulse",
            "questions": [
                {"name": "Mood?", "type": "single", "answers": ["Good", "Bad"]},
                {"name": "Topics?", "type": "multiple", "answers": ["A", "B", "C"]},
            ],
        }
    )
    poll = polls.create_poll(session, webinar, title, questions, now=NOW)
    for participant, choices in votes:
        polls.vote(session, poll, instance, participant, choices, now=NOW)
