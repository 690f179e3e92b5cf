"""Simulated runs: a whole session played through the same code as a live one.

Registrants show up (a share of them), walk-ins come, people join over the first minutes,
some drop out and come back, answer the polls and ask questions; the session ends. The
random choices come from `seed` alone, so the same plan on the same data tells the same story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.codes import RegistrantStatus, RegistrationType, Role, WebinarType
from podium.db.models import Occurrence, Registrant, Webinar
from podium.errors import Conflict, InvalidParameter
from podium.ids import Ids
from podium.services import instances, polls, webinars
from podium.services.instances import Participant
from podium.services.registrants import registered_for
from podium.services.schedules import find_occurrence, occurrence_key
from podium.timestamps import format_timestamp

MAX_WALK_INS, MAX_QUESTIONS = 10_000, 1_000
DEFAULT_DURATION = 60


@dataclass(frozen=True)
class Plan:
    seed: int = 0
    show_up_rate: float = 0.8  # share of the approved registrants who come
    walk_ins: int = 0  # people who come without registering
    rejoin_rate: float = 0.1  # share of those present who drop out once and come back
    poll_answer_rate: float = 0.7  # share of those present who answer each poll
    questions: int = 2  # Q&A questions asked
    answer_rate: float = 0.5  # share of questions the host answers
    join_spread_minutes: int = 10  # joins fall in the first minutes, leaves in the last
    occurrence_ids: tuple[str, ...] = ()  # recurring: one session each (default: the first)


def _rate(data: dict[str, Any], name: str, default: float) -> float:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidParameter(name=name, reason="A number from 0 to 1.")
    return float(value)


def _count(data: dict[str, Any], name: str, default: int, high: int) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InvalidParameter(name=name, reason=f"A whole number from 0 to {high}.")
    return value


def parse_plan(data: object) -> Plan:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidParameter(name="plan", reason="It must be a JSON object.")
    known = set(Plan.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidParameter(name=unknown[0], reason=f"Known fields: {', '.join(sorted(known))}.")
    occurrence_ids = data.get("occurrence_ids", [])
    if not isinstance(occurrence_ids, list) or not all(isinstance(i, str) for i in occurrence_ids):
        raise InvalidParameter(name="occurrence_ids", reason="A list of occurrence ids.")
    return Plan(
        seed=_count(data, "seed", 0, 2**31),
        show_up_rate=_rate(data, "show_up_rate", Plan.show_up_rate),
        walk_ins=_count(data, "walk_ins", 0, MAX_WALK_INS),
        rejoin_rate=_rate(data, "rejoin_rate", Plan.rejoin_rate),
        poll_answer_rate=_rate(data, "poll_answer_rate", Plan.poll_answer_rate),
        questions=_count(data, "questions", Plan.questions, MAX_QUESTIONS),
        answer_rate=_rate(data, "answer_rate", Plan.answer_rate),
        join_spread_minutes=_count(data, "join_spread_minutes", 10, 24 * 60),
        occurrence_ids=tuple(dict.fromkeys(occurrence_ids)),
    )


@dataclass
class Presence:
    participant: Participant
    registrant_id: str | None
    segments: list[tuple[datetime, datetime]] = field(default_factory=list)


def _occurrences(webinar: Webinar, plan: Plan) -> list[Occurrence | None]:
    if webinar.type != WebinarType.RECURRING_FIXED_TIME:
        if plan.occurrence_ids:
            raise InvalidParameter(name="occurrence_ids", reason="The webinar is not recurring.")
        return [None]
    if plan.occurrence_ids:
        return [find_occurrence(webinar, key) for key in plan.occurrence_ids]
    available = [o for o in webinar.occurrences if not o.is_deleted]
    if not available:
        raise InvalidParameter(name="occurrence_ids", reason="The webinar has no occurrence left.")
    return [available[0]]


def _expected(
    session: Session, webinar: Webinar, occurrence: Occurrence | None
) -> list[Registrant]:
    conditions = [
        Registrant.webinar_seq == webinar.seq,
        Registrant.status == RegistrantStatus.APPROVED,
    ]
    per_occurrence = RegistrationType(webinar.registration_type).is_per_occurrence
    if occurrence is not None and per_occurrence:
        conditions.append(registered_for(occurrence.id))
    return list(
        session.execute(
            select(Registrant).where(*conditions).order_by(Registrant.position)
        ).scalars()
    )


class Simulation:
    def __init__(self, session: Session, webinar: Webinar, plan: Plan, *, ids: Ids, now: datetime):
        self.session, self.webinar, self.plan = session, webinar, plan
        self.ids, self.now = ids, now
        self.random = random.Random(plan.seed)  # noqa: S311 - a story, not a secret

    def run(self) -> list[dict[str, Any]]:
        if instances.running_instance(self.session, self.webinar) is not None:
            raise Conflict(reason="A session of this webinar is running: end it first.")
        return [
            self.one_session(occurrence) for occurrence in _occurrences(self.webinar, self.plan)
        ]

    def _window(self, occurrence: Occurrence | None) -> tuple[datetime, datetime]:
        if occurrence is not None:
            start, minutes = occurrence.start_at, occurrence.duration
        else:
            start, minutes = self.webinar.start_at or self.now, self.webinar.duration
        return start, start + timedelta(minutes=minutes or DEFAULT_DURATION)

    def _presence(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        spread = min(self.plan.join_spread_minutes * 60, int((end - start).total_seconds()) // 3)
        joined = start + timedelta(seconds=self.random.randint(0, spread))
        left = end - timedelta(seconds=self.random.randint(0, spread))
        return joined, max(left, joined + timedelta(seconds=1))

    def _segments(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        joined, left = self._presence(start, end)
        seconds = int((left - joined).total_seconds())
        if seconds >= 4 and self.random.random() < self.plan.rejoin_rate:
            out = joined + timedelta(seconds=self.random.randint(1, seconds // 2))
            back = out + timedelta(seconds=self.random.randint(1, seconds // 4))
            return [(joined, out), (back, left)]
        return [(joined, left)]

    def one_session(self, occurrence: Occurrence | None) -> dict[str, Any]:
        start, end = self._window(occurrence)
        expected = _expected(self.session, self.webinar, occurrence)
        shown = sorted(
            self.random.sample(expected, round(len(expected) * self.plan.show_up_rate)),
            key=lambda registrant: registrant.position,
        )
        present = [
            Presence(
                Participant(
                    Role.ATTENDEE,
                    f"{r.first_name} {r.last_name}".strip(),
                    r.email,
                    registrant_pk=r.id,
                    registrant_id=r.registrant_id,
                ),
                r.registrant_id,
            )
            for r in shown
        ]
        number = self.webinar.id
        present += [
            Presence(
                Participant(Role.ATTENDEE, f"Walk-in {k}", f"walk-in-{number}-{k}@podium.invalid"),
                None,
            )
            for k in range(1, self.plan.walk_ins + 1)
        ]
        instance = instances.start_instance(self.session, self.webinar, ids=self.ids, now=start)
        instance.occurrence_pk = None if occurrence is None else occurrence.id
        for person in present:
            person.segments = self._segments(start, end)
            for joined, left in person.segments:
                row = instances.join(self.session, instance, person.participant, now=joined)
                instances.leave(self.session, row, now=left)
        answers = self._answer_polls(instance, present)
        questions = self._ask(instance, present, end)
        webinars.end_webinar(self.session, self.webinar, now=end)
        return {
            "uuid": instance.uuid,
            "occurrence_id": None if occurrence is None else occurrence_key(occurrence),
            "start_time": format_timestamp(start),
            "end_time": format_timestamp(end),
            "attendees": [
                {
                    "name": p.participant.name,
                    "email": p.participant.email,
                    "registrant_id": p.registrant_id,
                    "joins": [
                        {"join_time": format_timestamp(a), "leave_time": format_timestamp(b)}
                        for a, b in p.segments
                    ],
                }
                for p in present
            ],
            "absent_registrant_ids": [r.registrant_id for r in expected if r not in shown],
            "poll_answers": answers,
            "questions": questions,
        }

    def _answer_polls(self, instance: Any, present: list[Presence]) -> list[dict[str, Any]]:
        given = []
        for poll in polls.list_polls(self.session, self.webinar):
            for person in present:
                if self.random.random() >= self.plan.poll_answer_rate:
                    continue
                choices = {}
                for question in polls.poll_questions(poll):
                    if question.type == polls.SINGLE:
                        choices[question.name] = [self.random.choice(question.answers)]
                    else:
                        size = self.random.randint(1, len(question.answers))
                        picked = set(self.random.sample(question.answers, size))
                        choices[question.name] = [a for a in question.answers if a in picked]
                at = person.segments[0][0]
                polls.vote(self.session, poll, instance, person.participant, choices, now=at)
                given.append(
                    {"poll_id": poll.id, "email": person.participant.email, "answers": choices}
                )
        return given

    def _ask(self, instance: Any, present: list[Presence], end: datetime) -> list[dict[str, Any]]:
        asked: list[dict[str, Any]] = []
        if not present:
            return asked
        for number in range(1, self.plan.questions + 1):
            person = self.random.choice(present)
            at = person.segments[0][0]
            text = f"Question {number} from {person.participant.name}?"
            row = polls.ask(self.session, instance, person.participant, text, now=at)
            answer = ""
            if self.random.random() < self.plan.answer_rate:
                answer = f"Answer to question {number}."
                polls.reply(self.session, instance, row.id, answer, now=end)
            asked.append({"email": person.participant.email, "question": text, "answer": answer})
        return asked


def simulate(
    session: Session, webinar: Webinar, plan: Plan, *, ids: Ids, now: datetime
) -> list[dict[str, Any]]:
    """One simulated session per chosen occurrence (one for a non-recurring webinar)."""
    return Simulation(session, webinar, plan, ids=ids, now=now).run()
