"""The figures of the organiser's report page (web/manage_reports.py) that the APIs do not
give as such: people present per minute, registrations per day, poll tallies with their
respondents. Read from the same rows as services/reports.py."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from podium.db.models import Attendance, Poll, PollAnswer, Registrant, Webinar, WebinarInstance
from podium.services.polls import poll_questions

MAX_DAYS = 60  # bars of the registrations chart; earlier registrations are counted apart


def presence_per_minute(session: Session, instance: WebinarInstance) -> list[int]:
    """People (attendees, by e-mail; not panelists) present during each minute of the
    session: minute i is [start + i min, start + i + 1 min). A join still open counts to the
    session's end; one person's overlapping or same-minute rejoins count once."""
    start = instance.started_at
    end = instance.ended_at or start
    length = max(1, math.ceil((end - start).total_seconds() / 60))
    left = func.coalesce(Attendance.left_at, end)
    rows = session.execute(
        select(func.lower(Attendance.email), Attendance.joined_at, left)
        .where(Attendance.instance_id == instance.id, Attendance.panelist_pk.is_(None))
        .order_by(func.lower(Attendance.email), Attendance.joined_at)
    ).all()
    changes = [0] * (length + 1)
    person, until = None, -1  # the person whose minutes are being merged, their last minute
    first = -1
    for email, joined_at, left_at in rows:
        begin = min(max(int((joined_at - start).total_seconds() // 60), 0), length - 1)
        stop = min(max(math.ceil((left_at - start).total_seconds() / 60), begin + 1), length)
        if email == person and begin <= until:
            until = max(until, stop)
            continue
        if person is not None:
            changes[first] += 1
            changes[until] -= 1
        person, first, until = email, begin, stop
    if person is not None:
        changes[first] += 1
        changes[until] -= 1
    present, counts = 0, []
    for change in changes[:length]:
        present += change
        counts.append(present)
    return counts


def join_count(session: Session, instance: WebinarInstance) -> int:
    """Joins of attendees (not panelists): the rows of attendees.csv."""
    return int(
        session.execute(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.instance_id == instance.id, Attendance.panelist_pk.is_(None))
        ).scalar_one()
    )


@dataclass(frozen=True)
class Registrations:
    days: list[tuple[date, int]]  # every day from the first shown to the last, with zeros
    earlier: int  # registered before the first day shown (more than MAX_DAYS days)


def registrations_per_day(
    session: Session, webinar: Webinar, before: datetime | None
) -> Registrations:
    """Registrations (any status) per day in the webinar's time zone, made before `before`
    (a session's start; None: all of them)."""
    query = select(Registrant.created_at).where(Registrant.webinar_seq == webinar.seq)
    if before is not None:
        query = query.where(Registrant.created_at < before)
    zone = ZoneInfo(webinar.timezone)
    counts = Counter(moment.astimezone(zone).date() for moment in session.execute(query).scalars())
    if not counts:
        return Registrations([], 0)
    last = max(counts)
    first = max(min(counts), last - timedelta(days=MAX_DAYS - 1))
    earlier = sum(n for day, n in counts.items() if day < first)
    span = (last - first).days + 1
    days = [
        (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(span)
    ]
    return Registrations(days, earlier)


@dataclass(frozen=True)
class QuestionTally:
    question: str
    respondents: int  # people who answered this question
    counts: list[tuple[str, int]]  # each offered answer, in the poll's order


@dataclass(frozen=True)
class PollTally:
    title: str
    questions: list[QuestionTally]


def poll_tallies(session: Session, webinar: Webinar, instance: WebinarInstance) -> list[PollTally]:
    """Each poll answered in the session: per question, the votes of each answer (a
    multiple-choice answer counts for every choice it names) and how many answered."""
    rows = session.execute(
        select(PollAnswer.poll_id, PollAnswer.question, PollAnswer.answer).where(
            PollAnswer.instance_id == instance.id
        )
    ).all()
    votes: Counter[tuple[int, str, str]] = Counter()
    respondents: Counter[tuple[int, str]] = Counter()
    for poll_id, question, answer in rows:
        respondents[(poll_id, question)] += 1
        for choice in answer.split(";"):
            votes[(poll_id, question, choice)] += 1
    answered = {poll_id for poll_id, _ in respondents}
    polls = session.execute(
        select(Poll).where(Poll.webinar_seq == webinar.seq, Poll.id.in_(answered)).order_by(Poll.id)
    ).scalars()
    tallies = []
    for poll in polls:
        questions = [
            QuestionTally(
                item.name,
                respondents[(poll.id, item.name)],
                [(choice, votes[(poll.id, item.name, choice)]) for choice in item.answers],
            )
            for item in poll_questions(poll)
        ]
        tallies.append(PollTally(poll.title, questions))
    return tallies
