"""Ended-webinar data: sessions, attendance, poll answers and Q&A of a session that ran."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from podium.codes import STANDARD_QUESTIONS, RegistrantStatus, RegistrationType
from podium.db.functions import utc_text, whole_minutes
from podium.db.models import (
    Attendance,
    PollAnswer,
    QaQuestion,
    Registrant,
    Webinar,
    WebinarInstance,
)
from podium.errors import WebinarNotEnded
from podium.services.registrants import registered_for
from podium.services.webinars import Page


class AttendanceLine(NamedTuple):
    """One row of attendees/list: a join, or an approved registrant who never came.

    Times arrive already as v1 text from the database ("" for someone who never joined).
    """

    first_name: str
    last_name: str
    email: str
    join_time: str
    leave_time: str
    minutes: int
    custom_questions: dict[str, str]  # the registrant's answers by title ({} for walk-ins)
    standard: dict[str, str]


def ended_instances(session: Session, webinar: Webinar) -> list[WebinarInstance]:
    return list(
        session.execute(
            select(WebinarInstance)
            .where(
                WebinarInstance.webinar_seq == webinar.seq, WebinarInstance.ended_at.is_not(None)
            )
            .order_by(WebinarInstance.started_at, WebinarInstance.id)
        ).scalars()
    )


def ended_instance(session: Session, webinar: Webinar, uuid: str | None) -> WebinarInstance:
    """The session asked for (default: the latest that ended); 3001 unless it has ended."""
    query = select(WebinarInstance).where(
        WebinarInstance.webinar_seq == webinar.seq, WebinarInstance.ended_at.is_not(None)
    )
    if uuid is not None:
        query = query.where(WebinarInstance.uuid == uuid)
    instance = session.execute(
        query.order_by(WebinarInstance.ended_at.desc(), WebinarInstance.id.desc()).limit(1)
    ).scalar_one_or_none()
    if instance is None:
        raise WebinarNotEnded
    return instance


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def attendance_lines(
    session: Session, webinar: Webinar, instance: WebinarInstance
) -> Iterator[AttendanceLine]:
    """Every join of attendees (not panelists), then approved registrants who never joined.

    A session may have 50,000 joins: the database formats the times and counts the minutes
    (a row still open counts to the session's end), and each registrant's answers are read
    once, however often they joined.
    """
    left = func.coalesce(Attendance.left_at, instance.ended_at)
    joins = (
        session.connection()
        .execute(  # Core rows: no ORM layer over 50,000 of them
            select(
                Attendance.name,
                Attendance.email,
                Attendance.registrant_pk,
                utc_text(Attendance.joined_at),
                utc_text(left),
                whole_minutes(Attendance.joined_at, left),
            )
            .where(Attendance.instance_id == instance.id, Attendance.panelist_pk.is_(None))
            .order_by(Attendance.joined_at, Attendance.id)
        )
        .all()
    )
    people = _people(session, instance)
    for name, email, registrant_pk, join_time, leave_time, minutes in joins:
        if registrant_pk is None or registrant_pk not in people:
            first, last = _split_name(name)
            yield AttendanceLine(first, last, email, join_time, leave_time, max(minutes, 0), {}, {})
            continue
        first, last, address, custom, standard = people[registrant_pk]
        yield AttendanceLine(
            first, last, address, join_time, leave_time, max(minutes, 0), custom, standard
        )
    registrant_columns = [getattr(Registrant, name) for name in PERSON_COLUMNS]
    absent = session.execute(
        select(*registrant_columns)
        .where(*absent_conditions(webinar, instance))
        .order_by(Registrant.position)
    )
    for absent_person in absent:
        first, last, address, custom, standard = _person(list(absent_person))
        yield AttendanceLine(first, last, address, "", "", 0, custom, standard)


def _people(session: Session, instance: WebinarInstance) -> dict[int, Person]:
    """The registrants who joined `instance`, by primary key: one query with the joins as a
    subquery (an IN list of 10,000 ids cost PostgreSQL's driver 0.1 s just to parse)."""
    columns = [getattr(Registrant, name) for name in PERSON_COLUMNS]
    joined = select(Attendance.registrant_pk).where(
        Attendance.instance_id == instance.id, Attendance.panelist_pk.is_(None)
    )
    rows = session.connection().execute(
        select(Registrant.id, *columns).where(Registrant.id.in_(joined))
    )
    return {pk: _person(values) for pk, *values in rows}


PERSON_COLUMNS = ("first_name", "last_name", "email", "custom_questions", *STANDARD_QUESTIONS)


Person = tuple[str, str, str, dict[str, str], dict[str, str]]


def _person(values: list[str]) -> Person:
    """(first name, last name, e-mail, custom answers, standard answers) of a registrant."""
    first, last, email, custom, *answers = values
    custom_answers = {item["title"]: item["value"] for item in json.loads(custom)}
    standard = {
        name: value for name, value in zip(STANDARD_QUESTIONS, answers, strict=True) if value
    }
    return first, last, email, custom_answers, standard


def absent_conditions(webinar: Webinar, instance: WebinarInstance) -> list[ColumnElement[bool]]:
    """Approved registrants (of this occurrence, when registering per occurrence) who did
    not join this session."""
    # NOT IN over one set of ids, not NOT EXISTS per registrant: PostgreSQL hashes the set
    # whatever its statistics say (a fresh bulk load once planned a 600 ms nested loop).
    joined = select(Attendance.registrant_pk).where(
        Attendance.instance_id == instance.id, Attendance.registrant_pk.is_not(None)
    )
    conditions = [
        Registrant.webinar_seq == webinar.seq,
        Registrant.status == RegistrantStatus.APPROVED,
        Registrant.id.not_in(joined),
    ]
    per_occurrence = RegistrationType(webinar.registration_type).is_per_occurrence
    if instance.occurrence_pk is not None and per_occurrence:
        conditions.append(registered_for(instance.occurrence_pk))
    return conditions


class Participation(NamedTuple):
    """One join of anyone (attendee or panelist) to a session, as v2 reports show it."""

    attendance_id: int
    name: str
    email: str
    registrant_id: str | None
    joined_at: datetime
    left_at: datetime  # a row still open counts to the session's end
    seconds: int


def participations(
    session: Session, instance: WebinarInstance, page: Page
) -> tuple[int, list[Participation]]:
    """(every join of the session, one page of them) in join order."""
    condition = Attendance.instance_id == instance.id
    total = session.execute(
        select(func.count()).select_from(Attendance).where(condition)
    ).scalar_one()
    left = func.coalesce(Attendance.left_at, instance.ended_at)
    rows = session.execute(
        select(
            Attendance.id,
            Attendance.name,
            Attendance.email,
            Registrant.registrant_id,
            Attendance.joined_at,
            left.label("left_at"),
        )
        .outerjoin(Registrant, Registrant.id == Attendance.registrant_pk)
        .where(condition)
        .order_by(Attendance.joined_at, Attendance.id)
        .offset(page.offset)
        .limit(page.size)
    ).all()
    found = []
    for pk, name, email, registrant_id, joined_at, left_at in rows:
        left_at = left_at or joined_at
        seconds = max(int((left_at - joined_at).total_seconds()), 0)
        found.append(Participation(pk, name, email, registrant_id, joined_at, left_at, seconds))
    return int(total), found


class SessionSummary(NamedTuple):
    participants: int  # people (by e-mail) who joined
    total_minutes: int  # every join's whole minutes, added up


def summary(session: Session, instance: WebinarInstance) -> SessionSummary:
    left = func.coalesce(Attendance.left_at, instance.ended_at)
    people, minutes = session.execute(
        select(
            func.count(func.distinct(func.lower(Attendance.email))),
            func.coalesce(func.sum(whole_minutes(Attendance.joined_at, left)), 0),
        ).where(Attendance.instance_id == instance.id)
    ).one()
    return SessionSummary(int(people), int(minutes))


def absentees(
    session: Session, webinar: Webinar, instance: WebinarInstance, page: Page
) -> tuple[int, list[Registrant]]:
    """Approved registrants (of the session's occurrence) who did not join it, in
    registration order: (how many, one page)."""
    conditions = absent_conditions(webinar, instance)
    total = session.execute(
        select(func.count()).select_from(Registrant).where(*conditions)
    ).scalar_one()
    rows = session.execute(
        select(Registrant)
        .where(*conditions)
        .order_by(Registrant.position)
        .offset(page.offset)
        .limit(page.size)
    ).scalars()
    return int(total), list(rows)


def poll_answers(session: Session, instance: WebinarInstance) -> list[PollAnswer]:
    return list(
        session.execute(
            select(PollAnswer).where(PollAnswer.instance_id == instance.id).order_by(PollAnswer.id)
        ).scalars()
    )


def qa_questions(session: Session, instance: WebinarInstance) -> list[QaQuestion]:
    return list(
        session.execute(
            select(QaQuestion).where(QaQuestion.instance_id == instance.id).order_by(QaQuestion.id)
        ).scalars()
    )
