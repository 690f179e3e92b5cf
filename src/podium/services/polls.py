"""Polls of a webinar and the answers given during a session; Q&A questions and replies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from podium.codes import PollQuestionType
from podium.db.models import Poll, PollAnswer, QaQuestion, Webinar, WebinarInstance
from podium.errors import InvalidParameter, PollIsClosed, PollNotFound
from podium.events import PollAnswered, PollLaunched, QuestionAnswered, QuestionAsked
from podium.numbers import ascii_int
from podium.services.events import record
from podium.services.instances import Participant
from podium.text import has_control

SINGLE, MULTIPLE = PollQuestionType.SINGLE, PollQuestionType.MULTIPLE
MAX_QUESTIONS, MAX_ANSWERS = 20, 10


@dataclass(frozen=True)
class PollQuestion:
    name: str
    type: str
    answers: tuple[str, ...]


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise InvalidParameter(name="poll", reason=f"{what} needs 1 to {limit} characters.")
    if has_control(value):
        raise InvalidParameter(name="poll", reason=f"{what} holds control characters.")
    return value.strip()


def parse_poll(data: object) -> tuple[str, tuple[PollQuestion, ...]]:
    """A poll definition: {"title", "questions": [{"name", "type", "answers": [...]}]}."""
    if not isinstance(data, dict):
        raise InvalidParameter(name="poll", reason="It must be a JSON object.")
    title = _text(data.get("title"), "title", 300)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not 1 <= len(raw_questions) <= MAX_QUESTIONS:
        raise InvalidParameter(name="poll", reason=f"questions: 1 to {MAX_QUESTIONS} objects.")
    questions = []
    for item in raw_questions:
        if not isinstance(item, dict):
            raise InvalidParameter(name="poll", reason="Each question must be an object.")
        kind = item.get("type", SINGLE)
        if kind not in (SINGLE, MULTIPLE):
            raise InvalidParameter(name="poll", reason='type is "single" or "multiple".')
        answers = item.get("answers")
        if not isinstance(answers, list) or not 2 <= len(answers) <= MAX_ANSWERS:
            raise InvalidParameter(name="poll", reason=f"answers: 2 to {MAX_ANSWERS} choices.")
        choices = tuple(_text(answer, "an answer", 300) for answer in answers)
        if len(set(choices)) != len(choices):
            raise InvalidParameter(name="poll", reason="answers must differ.")
        questions.append(PollQuestion(_text(item.get("name"), "a question", 300), kind, choices))
    return title, tuple(questions)


def _stored(questions: tuple[PollQuestion, ...]) -> str:
    return json.dumps(
        [{"name": q.name, "type": q.type, "answers": list(q.answers)} for q in questions]
    )


def create_poll(
    session: Session,
    webinar: Webinar,
    title: str,
    questions: tuple[PollQuestion, ...],
    *,
    now: datetime,
) -> Poll:
    poll = Poll(webinar_seq=webinar.seq, title=title, questions=_stored(questions), created_at=now)
    session.add(poll)
    session.flush()
    return poll


def find_poll(session: Session, webinar: Webinar, poll_id: str) -> Poll:
    """A poll of this webinar by its public id (PollNotFound otherwise)."""
    number = ascii_int(poll_id.strip(), max_digits=12)
    poll = None
    if number is not None:
        poll = session.execute(
            select(Poll).where(Poll.id == number, Poll.webinar_seq == webinar.seq)
        ).scalar_one_or_none()
    if poll is None:
        raise PollNotFound(poll_id=poll_id[:40])
    return poll


def replace_poll(
    session: Session, poll: Poll, title: str, questions: tuple[PollQuestion, ...]
) -> None:
    """The poll's title and questions become these (answers already given stay)."""
    poll.title, poll.questions = title, _stored(questions)
    session.flush()


def delete_poll(session: Session, poll: Poll) -> None:
    """The poll goes, with the answers given to it."""
    session.execute(delete(Poll).where(Poll.id == poll.id))


def answered_polls(session: Session, webinar: Webinar) -> set[int]:
    """Ids of the webinar's polls that someone answered in a session."""
    return set(
        session.execute(
            select(PollAnswer.poll_id)
            .join(Poll, Poll.id == PollAnswer.poll_id)
            .where(Poll.webinar_seq == webinar.seq)
            .distinct()
        ).scalars()
    )


def list_polls(session: Session, webinar: Webinar) -> list[Poll]:
    return list(
        session.execute(
            select(Poll).where(Poll.webinar_seq == webinar.seq).order_by(Poll.id)
        ).scalars()
    )


def get_poll(session: Session, webinar: Webinar, poll_id: int) -> Poll:
    poll = session.execute(
        select(Poll).where(Poll.id == poll_id, Poll.webinar_seq == webinar.seq)
    ).scalar_one_or_none()
    if poll is None:
        raise InvalidParameter(name="poll_id", reason="No such poll in this webinar.")
    return poll


def launch_poll(
    session: Session, webinar: Webinar, instance: WebinarInstance, poll_id: int, *, now: datetime
) -> Poll:
    """The host puts a poll to everyone in the running session (open again, results not
    shared, if it ran before)."""
    poll = get_poll(session, webinar, poll_id)
    poll.instance_id, poll.launched_at, poll.closed_at, poll.shared_at = (
        instance.id,
        now,
        None,
        None,
    )
    session.flush()
    questions = tuple(json.loads(poll.questions))
    record(
        session,
        PollLaunched(
            webinar_id=webinar.id,
            instance_id=instance.id,
            poll_id=poll.id,
            title=poll.title,
            questions=questions,
            at=now,
        ),
    )
    return poll


def poll_questions(poll: Poll) -> list[PollQuestion]:
    return [
        PollQuestion(q["name"], q["type"], tuple(q["answers"])) for q in json.loads(poll.questions)
    ]


def chosen_answers(
    questions: Sequence[PollQuestion], choices: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """(question, its answers joined by ";" in the poll's order) for each question answered;
    InvalidParameter for an answer the question does not offer, several to a single-choice
    question, or nothing answered at all."""
    chosen = []
    for question in questions:
        picked = choices.get(question.name, [])
        if not picked:
            continue
        if any(answer not in question.answers for answer in picked) or (
            question.type == SINGLE and len(picked) != 1
        ):
            raise InvalidParameter(name="answers", reason=f"Not a valid answer to {question.name}")
        chosen.append((question.name, ";".join(a for a in question.answers if a in picked)))
    if not chosen:
        raise InvalidParameter(name="answers", reason="Answer at least one question.")
    return chosen


def vote(
    session: Session,
    poll: Poll,
    instance: WebinarInstance,
    participant: Participant,
    choices: dict[str, list[str]],
    *,
    now: datetime,
) -> None:
    """A participant's answers to a poll; answering again replaces the earlier answers.
    A poll the host closed in this session takes no more."""
    if poll.closed_at is not None and poll.instance_id == instance.id:
        raise PollIsClosed
    rows = [
        PollAnswer(
            poll_id=poll.id,
            instance_id=instance.id,
            name=participant.name,
            email=participant.email,
            question=question,
            answer=answer,
            answered_at=now,
        )
        for question, answer in chosen_answers(poll_questions(poll), choices)
    ]
    session.execute(
        delete(PollAnswer).where(
            PollAnswer.poll_id == poll.id,
            PollAnswer.instance_id == instance.id,
            PollAnswer.email == participant.email,
        )
    )
    session.add_all(rows)
    session.flush()
    answers = {row.question: tuple(row.answer.split(";")) for row in rows}
    record(
        session,
        PollAnswered(
            webinar_id=poll_webinar_id(session, poll),
            instance_id=instance.id,
            poll_id=poll.id,
            email=participant.email,
            answers=answers,
            at=now,
        ),
    )


def poll_results(
    session: Session, poll: Poll, instance: WebinarInstance
) -> dict[str, dict[str, int]]:
    """Votes per answer per question, for the host's console."""
    results = {q.name: dict.fromkeys(q.answers, 0) for q in poll_questions(poll)}
    answers = session.execute(
        select(PollAnswer.question, PollAnswer.answer).where(
            PollAnswer.poll_id == poll.id, PollAnswer.instance_id == instance.id
        )
    ).all()
    for question, answer in answers:
        for choice in answer.split(";"):
            if choice in results.get(question, {}):
                results[question][choice] += 1
    return results


def ask(
    session: Session,
    instance: WebinarInstance,
    participant: Participant,
    question: str,
    *,
    now: datetime,
) -> QaQuestion:
    text = question.strip()
    if not text or len(text) > 2000:
        raise InvalidParameter(name="question", reason="A question needs 1 to 2000 characters.")
    row = QaQuestion(
        instance_id=instance.id,
        name=participant.name,
        email=participant.email,
        question=text,
        answer="",
        asked_at=now,
    )
    session.add(row)
    session.flush()
    record(
        session,
        QuestionAsked(
            webinar_id=instance_webinar_id(session, instance),
            instance_id=instance.id,
            question_id=row.id,
            name=row.name,
            question=row.question,
            at=now,
        ),
    )
    return row


def reply(
    session: Session,
    instance: WebinarInstance,
    question_id: int,
    answer: str,
    *,
    now: datetime,
    private: bool = False,
) -> QaQuestion:
    """The staff's answer: to everyone, or (`private`) to the person who asked only."""
    text = answer.strip()
    if not text or len(text) > 2000:
        raise InvalidParameter(name="answer", reason="An answer needs 1 to 2000 characters.")
    row = session.execute(
        select(QaQuestion).where(
            QaQuestion.id == question_id, QaQuestion.instance_id == instance.id
        )
    ).scalar_one_or_none()
    if row is None:
        raise InvalidParameter(name="question_id", reason="No such question in this session.")
    row.answer, row.answered_at, row.is_private = text, now, private
    session.flush()
    record(
        session,
        QuestionAnswered(
            webinar_id=instance_webinar_id(session, instance),
            instance_id=instance.id,
            question_id=row.id,
            question=row.question,
            answer=row.answer,
            private=private,
            asker_email=row.email,
            at=now,
        ),
    )
    return row


def poll_webinar_id(session: Session, poll: Poll) -> int:
    return session.get_one(Webinar, poll.webinar_seq).id


def instance_webinar_id(session: Session, instance: WebinarInstance) -> int:
    return session.get_one(Webinar, instance.webinar_seq).id
