"""What the dashboard lists: a viewer's webinars (upcoming, past, search), registrants page by
page (keyset: no OFFSET, so page 1,000 costs what page 1 does), the outbox of an account.
The rules that change things are the APIs' own (webinars.py, registrants.py, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from podium.codes import RegistrantStatus
from podium.db.models import ApiCredential, OutboxMessage, Registrant, User, Webinar
from podium.services.schedules import is_over_clause

WEBINARS_PER_PAGE = 20
REGISTRANTS_PER_PAGE = 50
OUTBOX_PER_PAGE = 50


@dataclass(frozen=True)
class Scope:
    """Whose webinars: the whole account (its owner), or one host's."""

    account_id: int
    host_user_id: int | None


def _visible(scope: Scope) -> list[ColumnElement[bool]]:
    conditions = [Webinar.account_id == scope.account_id, Webinar.deleted_at.is_(None)]
    if scope.host_user_id is not None:
        conditions.append(Webinar.host_user_id == scope.host_user_id)
    return conditions


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def webinars(
    session: Session, scope: Scope, *, past: bool, search: str, page: int, now: datetime
) -> tuple[int, list[Webinar]]:
    """(total, one page): upcoming ones soonest first (no fixed time last), or past ones
    latest first; `search` matches the topic or the webinar id."""
    conditions = _visible(scope)
    conditions.append(is_over_clause(now) if past else ~is_over_clause(now))
    text = search.strip()[:100]
    if text:
        matches: list[ColumnElement[bool]] = [func.lower(Webinar.topic).like(_like(text), "\\")]
        digits = text.replace(" ", "")
        if digits.isdigit() and len(digits) <= 11:
            matches.append(Webinar.id == int(digits))
        conditions.append(or_(*matches))
    total = session.execute(
        select(func.count()).select_from(Webinar).where(*conditions)
    ).scalar_one()
    order = (
        (Webinar.schedule_ends_at.desc(), Webinar.seq.desc())
        if past
        else (Webinar.start_at.is_(None), Webinar.start_at, Webinar.seq)
    )
    rows = session.execute(
        select(Webinar)
        .where(*conditions)
        .order_by(*order)
        .offset((page - 1) * WEBINARS_PER_PAGE)
        .limit(WEBINARS_PER_PAGE)
    ).scalars()
    return int(total), list(rows)


@dataclass(frozen=True)
class RegistrantPage:
    rows: list[Registrant]
    first: int | None  # position of the first row shown
    newer: int | None  # `before` of the previous page (None: this is the first)
    older: int | None  # `after` of the next page (None: this is the last)


def registrant_page(
    session: Session,
    webinar_seq: int,
    *,
    status: str,
    search: str,
    after: int | None,
    before: int | None,
    size: int = REGISTRANTS_PER_PAGE,
) -> RegistrantPage:
    """One page in registration order, after the position `after` (or the page that ends
    before `before`): a range scan of ix_registrants_listing / the position key."""
    conditions: list[ColumnElement[bool]] = [Registrant.webinar_seq == webinar_seq]
    if status:
        conditions.append(Registrant.status == status)
    text = search.strip()[:100]
    if text:
        pattern = _like(text)
        conditions.append(
            or_(
                Registrant.email_key.like(pattern, "\\"),
                func.lower(Registrant.first_name).like(pattern, "\\"),
                func.lower(Registrant.last_name).like(pattern, "\\"),
            )
        )
    query: Select[Registrant] = select(Registrant).where(*conditions)
    if before is not None:
        backwards = query.where(Registrant.position < before).order_by(Registrant.position.desc())
        rows = list(reversed(list(session.execute(backwards.limit(size + 1)).scalars())))
        has_newer = len(rows) > size
        rows = rows[-size:]
        has_older = True
    else:
        if after is not None:
            query = query.where(Registrant.position > after)
        rows = list(session.execute(query.order_by(Registrant.position).limit(size + 1)).scalars())
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = after is not None
    if not rows:
        return RegistrantPage([], None, None, None)
    return RegistrantPage(
        rows,
        rows[0].position,
        rows[0].position if has_newer else None,
        rows[-1].position if has_older else None,
    )


def status_counts(session: Session, webinar_seq: int) -> dict[str, int]:
    counts = {str(status): 0 for status in RegistrantStatus}
    for status, count in session.execute(
        select(Registrant.status, func.count())
        .where(Registrant.webinar_seq == webinar_seq)
        .group_by(Registrant.status)
    ):
        counts[str(status)] = int(count)
    return counts


def pending_counts(session: Session, seqs: list[int]) -> dict[int, int]:
    """How many registrants wait for approval, per webinar."""
    if not seqs:
        return {}
    rows = session.execute(
        select(Registrant.webinar_seq, func.count())
        .where(Registrant.webinar_seq.in_(seqs), Registrant.status == RegistrantStatus.PENDING)
        .group_by(Registrant.webinar_seq)
    )
    return {int(seq): int(count) for seq, count in rows}


def outbox(session: Session, scope: Scope, *, page: int) -> list[OutboxMessage]:
    """The e-mails about the viewer's webinars, newest first."""
    rows = list(
        session.execute(
            select(OutboxMessage)
            .join(Webinar, Webinar.seq == OutboxMessage.webinar_seq)
            .where(*_visible(scope))
            .order_by(OutboxMessage.id.desc())
            .offset((page - 1) * OUTBOX_PER_PAGE)
            .limit(OUTBOX_PER_PAGE + 1)
        ).scalars()
    )
    session.expunge_all()
    return rows


def live_api_key(session: Session, account_id: int) -> ApiCredential | None:
    return session.execute(
        select(ApiCredential)
        .where(ApiCredential.account_id == account_id, ApiCredential.revoked_at.is_(None))
        .order_by(ApiCredential.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def user_of(session: Session, account_id: int, host_id: str) -> User | None:
    return session.execute(
        select(User).where(User.account_id == account_id, User.host_id == host_id)
    ).scalar_one_or_none()
