"""A poll while it runs in a session: the host closes it and shares its results; what each
participant sees of it (services/polls.py defines, launches and takes the answers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from podium.db.models import Poll, PollAnswer, Webinar, WebinarInstance
from podium.errors import InvalidParameter
from podium.events import PollClosed, PollResultsShared
from podium.services.events import record
from podium.services.polls import PollQuestion, get_poll, poll_questions, poll_results

Results = dict[str, dict[str, int]]


@dataclass(frozen=True)
class PollRun:
    """A poll launched in a session, as one participant sees it."""

    poll_id: int
    title: str
    questions: list[PollQuestion]
    is_closed: bool
    is_shared: bool
    answers: dict[str, list[str]]  # this participant's answers, by question
    results: Results | None  # the host always sees them; others once they are shared


def _launched(session: Session, webinar: Webinar, instance: WebinarInstance, poll_id: int) -> Poll:
    poll = get_poll(session, webinar, poll_id)
    if poll.instance_id != instance.id or poll.launched_at is None:
        raise InvalidParameter(name="poll_id", reason="This poll was not launched in this session.")
    return poll


def close_poll(
    session: Session, webinar: Webinar, instance: WebinarInstance, poll_id: int, *, now: datetime
) -> Poll:
    """No more answers to the poll in this session (closing twice changes nothing)."""
    poll = _launched(session, webinar, instance, poll_id)
    if poll.closed_at is None:
        poll.closed_at = now
        session.flush()
        record(
            session,
            PollClosed(webinar_id=webinar.id, instance_id=instance.id, poll_id=poll.id, at=now),
        )
    return poll


def share_results(
    session: Session, webinar: Webinar, instance: WebinarInstance, poll_id: int, *, now: datetime
) -> Poll:
    """Everyone sees the poll's results from now on (and as they change)."""
    poll = _launched(session, webinar, instance, poll_id)
    if poll.shared_at is None:
        poll.shared_at = now
        session.flush()
    record(
        session,
        PollResultsShared(webinar_id=webinar.id, instance_id=instance.id, poll_id=poll.id, at=now),
    )
    return poll


_LAUNCHED = (
    select(Poll)
    .where(Poll.instance_id == bindparam("instance_id"), Poll.launched_at.is_not(None))
    .order_by(Poll.launched_at, Poll.id)
)


def launched_polls(session: Session, instance: WebinarInstance) -> list[Poll]:
    """The polls launched in the session, in launch order."""
    return list(session.execute(_LAUNCHED, {"instance_id": instance.id}).scalars())


def own_answers(
    session: Session, poll: Poll, instance: WebinarInstance, email: str
) -> dict[str, list[str]]:
    rows = session.execute(
        select(PollAnswer.question, PollAnswer.answer).where(
            PollAnswer.poll_id == poll.id,
            PollAnswer.instance_id == instance.id,
            PollAnswer.email == email,
        )
    ).all()
    return {question: answer.split(";") for question, answer in rows}


def poll_run(
    session: Session, poll: Poll, instance: WebinarInstance, *, email: str, is_host: bool
) -> PollRun:
    shown = is_host or poll.shared_at is not None
    return PollRun(
        poll_id=poll.id,
        title=poll.title,
        questions=poll_questions(poll),
        is_closed=poll.closed_at is not None,
        is_shared=poll.shared_at is not None,
        answers={} if is_host else own_answers(session, poll, instance, email),
        results=poll_results(session, poll, instance) if shown else None,
    )
