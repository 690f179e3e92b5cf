"""The rows of the organiser's CSV exports (docs/exports.md): registrants, attendees,
absentees, poll answers and Q&A of one session, read in keyset batches (each batch its own
short read, so 100,000 rows never sit in memory together and no transaction stays open
while a slow client reads). The values are the ones the v1 and v2 reports give for the same
session (services/reports.py): the same joins, the same order, the same texts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute

from podium.codes import STANDARD_QUESTIONS
from podium.db.functions import utc_text, whole_minutes
from podium.db.models import (
    Attendance,
    Poll,
    PollAnswer,
    QaQuestion,
    Registrant,
    Webinar,
    WebinarInstance,
)
from podium.services.reports import absent_conditions

T = TypeVar("T")
Read = Callable[[Callable[[Connection], T]], T]  # Runtime.read
Row = tuple[str, ...]

BATCH = 2000

REGISTRANT_COLUMNS = (
    "registrant_id",
    "first_name",
    "last_name",
    "email",
    "status",
    "create_time",
    "language",
    *STANDARD_QUESTIONS,
    "custom_questions",
)
ATTENDEE_COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "join_time",
    "leave_time",
    "time_in_session",
    "registrant_id",
)
ABSENTEE_COLUMNS = ("registrant_id", "first_name", "last_name", "email", "create_time")
POLL_COLUMNS = ("poll_id", "poll_title", "name", "email", "question", "answer", "date_time")
QUESTION_COLUMNS = (
    "question_id",
    "name",
    "email",
    "question",
    "answer",
    "question_status",
    "create_time",
    "answer_time",
)


@dataclass(frozen=True)
class Source:
    """What one export reads, as plain values fixed while the request was checked."""

    webinar_seq: int
    instance_id: int  # 0: no session (the registrants export)
    ended_at: datetime | None = None  # the session's end: an open join counts to it
    absent_where: tuple[ColumnElement[bool], ...] = ()


def source(webinar: Webinar, instance: WebinarInstance | None) -> Source:
    """Read inside the unit of work that found (and checked) the webinar and session."""
    if instance is None:
        return Source(webinar.seq, 0)
    absent = tuple(absent_conditions(webinar, instance))
    return Source(webinar.seq, instance.id, instance.ended_at, absent)


def _batches(
    read: Read[list[Any]],
    query: Callable[..., list[Any]],  # (connection, after=the last key read or None)
    shape: Callable[[Any], Row],
    key: Callable[[Any], Any],
) -> Iterator[list[Row]]:
    """Batches of shaped rows, each read after the last key of the one before."""
    after: Any = None
    while True:
        rows = read(partial(query, after=after))
        if rows:
            yield [shape(row) for row in rows]
        if len(rows) < BATCH:
            return
        after = key(rows[-1])


def _in_key_order(
    read: Read[list[Any]],
    chosen: Select[*tuple[Any, ...]],
    key: QueryableAttribute[int],
    shape: Callable[[Any], Row],
) -> Iterator[list[Row]]:
    """Batches of `chosen` (its first column: `key`, an increasing integer) in `key` order."""

    def query(connection: Connection, after: int | None) -> list[Any]:
        batch = chosen if after is None else chosen.where(key > after)
        return list(connection.execute(batch.order_by(key).limit(BATCH)))

    return _batches(read, query, shape, lambda row: row[0])


_REGISTRANT_FIELDS = (
    Registrant.position,
    Registrant.registrant_id,
    Registrant.first_name,
    Registrant.last_name,
    Registrant.email,
    Registrant.status,
    utc_text(Registrant.created_at),
    Registrant.language,
    *(getattr(Registrant, name) for name in STANDARD_QUESTIONS),
    Registrant.custom_questions,
)


def _custom(stored: str) -> str:
    """The registrant's answers as v2 writes them ([] when none), compact JSON."""
    if stored == "[]":  # most registrants: no custom question
        return stored
    return json.dumps(json.loads(stored), ensure_ascii=False, separators=(",", ":"))


def _registrant(row: Any) -> Row:
    *values, custom = row[1:]
    return (*values, _custom(custom))


def registrants(read: Read[list[Any]], where: Source) -> Iterator[list[Row]]:
    """Everyone who registered (any status), in registration order."""
    chosen = select(*_REGISTRANT_FIELDS).where(Registrant.webinar_seq == where.webinar_seq)
    return _in_key_order(read, chosen, Registrant.position, _registrant)


def _attendee(row: Any) -> Row:
    _, _, join_time, leave_time, minutes, name, email, registrant_id, first, last, address = row
    if registrant_id is None:
        first, _, last = name.partition(" ")
        address = email
    return (first, last, address, join_time, leave_time, str(max(minutes, 0)), registrant_id or "")


def attendees(read: Read[list[Any]], where: Source) -> Iterator[list[Row]]:
    """Every join of an attendee (not a panelist), in join order; a join still open
    counts to the session's end."""
    left = func.coalesce(Attendance.left_at, where.ended_at)
    fields = (
        Attendance.joined_at,
        Attendance.id,
        utc_text(Attendance.joined_at),
        utc_text(left),
        whole_minutes(Attendance.joined_at, left),
        Attendance.name,
        Attendance.email,
        Registrant.registrant_id,
        Registrant.first_name,
        Registrant.last_name,
        Registrant.email,
    )

    def query(connection: Connection, after: tuple[Any, int] | None) -> list[Any]:
        chosen = (
            select(*fields)
            .outerjoin(Registrant, Registrant.id == Attendance.registrant_pk)
            .where(Attendance.instance_id == where.instance_id, Attendance.panelist_pk.is_(None))
        )
        if after is not None:
            joined, pk = after
            chosen = chosen.where(
                or_(
                    Attendance.joined_at > joined,
                    and_(Attendance.joined_at == joined, Attendance.id > pk),
                )
            )
        ordered = chosen.order_by(Attendance.joined_at, Attendance.id).limit(BATCH)
        return list(connection.execute(ordered))

    return _batches(read, query, _attendee, lambda row: (row[0], row[1]))


def absentees(read: Read[list[Any]], where: Source) -> Iterator[list[Row]]:
    """Approved registrants (of the session's occurrence) who did not join it."""
    fields = (
        Registrant.position,
        Registrant.registrant_id,
        Registrant.first_name,
        Registrant.last_name,
        Registrant.email,
        utc_text(Registrant.created_at),
    )
    chosen = select(*fields).where(*where.absent_where)
    return _in_key_order(read, chosen, Registrant.position, lambda row: tuple(row[1:]))


def poll_answers(read: Read[list[Any]], where: Source) -> Iterator[list[Row]]:
    """Every answer given in the session, in the order they came."""
    fields = (
        PollAnswer.id,
        PollAnswer.poll_id,
        Poll.title,
        PollAnswer.name,
        PollAnswer.email,
        PollAnswer.question,
        PollAnswer.answer,
        utc_text(PollAnswer.answered_at),
    )
    chosen = (
        select(*fields)
        .join(Poll, Poll.id == PollAnswer.poll_id)
        .where(PollAnswer.instance_id == where.instance_id)
    )

    def shape(row: Any) -> Row:
        return (str(row[1]), *row[2:])

    return _in_key_order(read, chosen, PollAnswer.id, shape)


def questions(read: Read[list[Any]], where: Source) -> Iterator[list[Row]]:
    """Every question asked in the session, in the order asked, with its answer."""
    fields = (
        QaQuestion.id,
        QaQuestion.name,
        QaQuestion.email,
        QaQuestion.question,
        QaQuestion.answer,
        utc_text(QaQuestion.asked_at),
        utc_text(QaQuestion.answered_at),
    )
    chosen = select(*fields).where(QaQuestion.instance_id == where.instance_id)

    def shape(row: Any) -> Row:
        pk, name, email, question, answer, asked, answered = row
        status = "answered" if answer else "open"
        return (str(pk), name, email, question, answer, status, asked, answered or "")

    return _in_key_order(read, chosen, QaQuestion.id, shape)
