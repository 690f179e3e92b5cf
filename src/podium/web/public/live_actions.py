"""The live actions of polls and Q&A beyond launching, voting, asking and replying
(web/live.py): closing a poll and sharing its results, upvoting, dismissing and starring
questions. Each is (live, session, pass, JSON body) → the answer; the events they cause reach
the pages through web/live_hub.LiveFeed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from podium.codes import EVERYONE, STAFF, Role
from podium.errors import LiveBodyInvalid
from podium.numbers import ascii_int
from podium.services import poll_runs, qa

if TYPE_CHECKING:
    from podium.web.live import Live, Pass


def whole_number(value: object) -> int:
    """An id of the body: a JSON number or its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = ascii_int(value) if isinstance(value, str) else None
    if number is not None:
        return number
    raise LiveBodyInvalid(reason="An id must be a whole number.")


def close_poll(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    webinar, instance = live.running(session, granted)
    poll = poll_runs.close_poll(
        session, webinar, instance, whole_number(data.get("poll_id")), now=live.now()
    )
    return {"poll_id": poll.id, "closed": True}


def share_results(
    live: Live, session: Session, granted: Pass, data: dict[str, Any]
) -> dict[str, Any]:
    webinar, instance = live.running(session, granted)
    poll = poll_runs.share_results(
        session, webinar, instance, whole_number(data.get("poll_id")), now=live.now()
    )
    return {"poll_id": poll.id, "shared": True}


def upvote(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    _webinar, instance = live.running(session, granted)
    row = qa.upvote(
        session,
        instance,
        granted.participant,
        whole_number(data.get("question_id")),
        now=live.now(),
    )
    return {"question_id": row.id, "upvotes": row.upvotes}


def dismiss(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    _webinar, instance = live.running(session, granted)
    row = qa.dismiss(session, instance, whole_number(data.get("question_id")), now=live.now())
    return {"question_id": row.id, "dismissed": True}


def star(live: Live, session: Session, granted: Pass, data: dict[str, Any]) -> dict[str, Any]:
    _webinar, instance = live.running(session, granted)
    starred = data.get("starred", True)
    if not isinstance(starred, bool):
        raise LiveBodyInvalid(reason="starred is true or false.")
    row = qa.star(session, instance, whole_number(data.get("question_id")), starred, now=live.now())
    return {"question_id": row.id, "starred": row.is_starred}


RoomHandler = Callable[["Live", Session, "Pass", dict[str, Any]], dict[str, Any]]
ROOM_ACTIONS: dict[str, tuple[tuple[Role, ...], RoomHandler]] = {
    "close": ((Role.HOST,), close_poll),
    "share": ((Role.HOST,), share_results),
    "upvote": (EVERYONE, upvote),
    "dismiss": (STAFF, dismiss),
    "star": (STAFF, star),
}
