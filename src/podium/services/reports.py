"""Ended-webinar data: sessions, attendance, poll answers and Q&A of a session that ran."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from podium.db.models import (
    Attendance,
    OccurrenceRegistration,
    PollAnswer,
    QaQuestion,
    Registrant,
    Webinar,
    WebinarInstance,
)
from podium.errors import WebinarNotEnded
from podium.services.registrants import APPROVED, CHOOSE_OCCURRENCES, EACH_OCCURRENCE

STANDARD_QUESTIONS = (
    "address",
    "city",
    "country",
    "zip",
    "state",
    "phone",
    "industry",
    "org",
    "job_title",
    "purchasing_time_frame",
    "role_in_purchase_process",
    "no_of_employees",
    "comments",
)


@dataclass(frozen=True)
class AttendanceLine:
    """One row of attendees/list: a join, or an approved registrant who never came."""

    first_name: str
    last_name: str
    email: str
    joined_at: datetime | None
    left_at: datetime | None
    custom_questions: str  # canonical JSON of the registrant's answers ("[]" for walk-ins)
    standard: dict[str, str]


def minutes_in_session(joined_at: datetime, left_at: datetime) -> int:
    """Whole minutes between join and leave (seconds beyond the last minute are dropped)."""
    return max(0, int((left_at - joined_at).total_seconds()) // 60)


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
    """Every join of attendees (not panelists), then approved registrants who never joined."""
    joins = session.execute(
        select(Attendance, Registrant)
        .outerjoin(Registrant, Registrant.id == Attendance.registrant_pk)
        .where(Attendance.instance_id == instance.id, Attendance.panelist_pk.is_(None))
        .order_by(Attendance.joined_at, Attendance.id)
    ).all()
    for attendance, joined_registrant in joins:
        registrant: Registrant | None = joined_registrant  # None for walk-ins (outer join)
        if registrant is None:
            first, last = _split_name(attendance.name)
            yield AttendanceLine(
                first, last, attendance.email, attendance.joined_at, attendance.left_at, "[]", {}
            )
        else:
            yield _line(registrant, attendance.joined_at, attendance.left_at)
    yield from (_line(registrant, None, None) for registrant in _absent(session, webinar, instance))


def _absent(session: Session, webinar: Webinar, instance: WebinarInstance) -> Iterator[Registrant]:
    joined = exists().where(
        Attendance.instance_id == instance.id, Attendance.registrant_pk == Registrant.id
    )
    conditions = [Registrant.webinar_seq == webinar.seq, Registrant.status == APPROVED, ~joined]
    per_occurrence = webinar.registration_type in (EACH_OCCURRENCE, CHOOSE_OCCURRENCES)
    if instance.occurrence_pk is not None and per_occurrence:
        conditions.append(
            exists().where(
                and_(
                    OccurrenceRegistration.registrant_pk == Registrant.id,
                    OccurrenceRegistration.occurrence_pk == instance.occurrence_pk,
                    OccurrenceRegistration.is_cancelled.is_(False),
                )
            )
        )
    yield from session.execute(
        select(Registrant).where(*conditions).order_by(Registrant.position)
    ).scalars()


def _line(
    registrant: Registrant, joined_at: datetime | None, left_at: datetime | None
) -> AttendanceLine:
    standard = {
        name: getattr(registrant, name) for name in STANDARD_QUESTIONS if getattr(registrant, name)
    }
    return AttendanceLine(
        registrant.first_name,
        registrant.last_name,
        registrant.email,
        joined_at,
        left_at,
        registrant.custom_questions,
        standard,
    )


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
