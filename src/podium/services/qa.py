"""Q&A while a session runs, beyond asking and answering (services/polls.py): upvotes,
the staff dismissing or starring questions, and what each participant sees.

Everyone sees the questions that were not dismissed, with their upvotes; a public answer is
everyone's, a private one only its asker's (and the staff's); stars are the staff's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from podium.codes import STAFF
from podium.db.models import QaQuestion, QaUpvote, WebinarInstance
from podium.errors import InvalidParameter, OwnQuestion
from podium.events import QuestionDismissed, QuestionStarred, QuestionUpvoted
from podium.services.events import record
from podium.services.instances import Participant
from podium.services.polls import instance_webinar_id


@dataclass(frozen=True)
class QuestionView:
    question_id: int
    name: str
    question: str
    answer: str | None  # None: not answered, or answered privately to someone else
    is_answered: bool
    is_private: bool
    upvotes: int
    is_mine: bool
    has_my_upvote: bool
    is_starred: bool  # always False for attendees


def _question(session: Session, instance: WebinarInstance, question_id: int) -> QaQuestion:
    row = session.execute(
        select(QaQuestion).where(
            QaQuestion.id == question_id,
            QaQuestion.instance_id == instance.id,
            QaQuestion.dismissed_at.is_(None),
        )
    ).scalar_one_or_none()
    if row is None:
        raise InvalidParameter(name="question_id", reason="No such question in this session.")
    return row


def _same(email: str, other: str) -> bool:
    return email.lower() == other.lower()


def upvote(
    session: Session,
    instance: WebinarInstance,
    participant: Participant,
    question_id: int,
    *,
    now: datetime,
) -> QaQuestion:
    """A participant's upvote of someone else's question; a second press takes it back."""
    row = _question(session, instance, question_id)
    if _same(row.email, participant.email):
        raise OwnQuestion
    key = participant.email.lower()
    taken = session.execute(
        delete(QaUpvote).where(QaUpvote.question_id == row.id, QaUpvote.email_key == key)
    )
    step = -1
    if not taken.rowcount:  # type: ignore[attr-defined]
        session.execute(insert(QaUpvote).values(question_id=row.id, email_key=key, created_at=now))
        step = 1
    # O(1): the count moves by one in the row itself (the unique key keeps it exact).
    upvotes = session.execute(
        update(QaQuestion)
        .where(QaQuestion.id == row.id)
        .values(upvotes=QaQuestion.upvotes + step)
        .returning(QaQuestion.upvotes),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(row, "upvotes", upvotes)
    record(
        session,
        QuestionUpvoted(
            webinar_id=instance_webinar_id(session, instance),
            instance_id=instance.id,
            question_id=row.id,
            upvotes=row.upvotes,
            at=now,
        ),
    )
    return row


def dismiss(
    session: Session, instance: WebinarInstance, question_id: int, *, now: datetime
) -> QaQuestion:
    """The staff take a question off everyone's list (it stays in the reports)."""
    row = _question(session, instance, question_id)
    row.dismissed_at = now
    session.flush()
    record(
        session,
        QuestionDismissed(
            webinar_id=instance_webinar_id(session, instance),
            instance_id=instance.id,
            question_id=row.id,
            at=now,
        ),
    )
    return row


def star(
    session: Session, instance: WebinarInstance, question_id: int, starred: bool, *, now: datetime
) -> QaQuestion:
    """The staff mark a question (to come back to it); only they see the star."""
    row = _question(session, instance, question_id)
    row.is_starred = starred
    session.flush()
    record(
        session,
        QuestionStarred(
            webinar_id=instance_webinar_id(session, instance),
            instance_id=instance.id,
            question_id=row.id,
            starred=starred,
            at=now,
        ),
    )
    return row


# Built once: every live page that connects asks them.
_MY_UPVOTES = (
    select(QaUpvote.question_id)
    .join(QaQuestion, QaQuestion.id == QaUpvote.question_id)
    .where(
        QaQuestion.instance_id == bindparam("instance_id"), QaUpvote.email_key == bindparam("key")
    )
)
_SHOWN_QUESTIONS = (
    select(QaQuestion)
    .where(QaQuestion.instance_id == bindparam("instance_id"), QaQuestion.dismissed_at.is_(None))
    .order_by(QaQuestion.id)
)


def visible_questions(
    session: Session, instance: WebinarInstance, participant: Participant
) -> list[QuestionView]:
    """The session's questions as `participant` sees them, oldest first."""
    is_staff = participant.role in STAFF
    key = participant.email.lower()
    upvoted = set(session.execute(_MY_UPVOTES, {"instance_id": instance.id, "key": key}).scalars())
    rows = session.execute(_SHOWN_QUESTIONS, {"instance_id": instance.id}).scalars()
    views = []
    for row in rows:
        mine = _same(row.email, participant.email)
        answered = row.answered_at is not None
        shown = answered and (is_staff or mine or not row.is_private)
        views.append(
            QuestionView(
                question_id=row.id,
                name=row.name,
                question=row.question,
                answer=row.answer if shown else None,
                is_answered=answered,
                is_private=row.is_private,
                upvotes=row.upvotes,
                is_mine=mine,
                has_my_upvote=row.id in upvoted,
                is_starred=row.is_starred and is_staff,
            )
        )
    return views
