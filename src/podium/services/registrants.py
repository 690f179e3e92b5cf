"""Registrants after they registered: the host approves, denies or cancels them (one or
many), and the listings. Registering itself is services/registration.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from podium.codes import ApprovalType, RegistrantStatus, RegistrationType, WebinarType
from podium.db.models import Occurrence, OccurrenceRegistration, Registrant, Webinar
from podium.errors import (
    InvalidOccurrence,
    InvalidParameter,
    ManualApprovalRequired,
    RegistrantNotFound,
)
from podium.events import RegistrantApproved, RegistrantCancelled, RegistrantDenied
from podium.services.events import record, registrant_facts, webinar_facts
from podium.services.registration import take_seat
from podium.services.schedules import find_occurrence
from podium.services.webinars import Page


def registered_for(occurrence_pk: int | ColumnElement[int]) -> ColumnElement[bool]:
    """The registrant (of a per-occurrence webinar) holds a place in that occurrence."""
    return exists().where(
        OccurrenceRegistration.registrant_pk == Registrant.id,
        OccurrenceRegistration.occurrence_pk == occurrence_pk,
        OccurrenceRegistration.is_cancelled.is_(False),
    )


def _free_seat(session: Session, webinar: Webinar) -> None:
    session.execute(
        update(Webinar)
        .where(Webinar.seq == webinar.seq)
        .values(seats_taken=Webinar.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


def require_manual_approval(webinar: Webinar) -> None:
    if webinar.approval_type != ApprovalType.MANUAL:
        raise ManualApprovalRequired(webinar_id=webinar.id)


def registrants_by_ids(
    session: Session, webinar: Webinar, registrant_ids: Sequence[str], *, name: str
) -> list[Registrant]:
    """The registrants named, all of this webinar; any other id is a 300 naming it."""
    found = {
        registrant.registrant_id: registrant
        for registrant in session.execute(
            select(Registrant).where(
                Registrant.webinar_seq == webinar.seq,
                Registrant.registrant_id.in_(set(registrant_ids)),
            )
        ).scalars()
    }
    for registrant_id in registrant_ids:
        if registrant_id not in found:
            raise InvalidParameter(
                name=name, reason=f"{registrant_id} is not a registrant of this webinar."
            )
    return [found[registrant_id] for registrant_id in dict.fromkeys(registrant_ids)]


def registrant_by_id(session: Session, webinar: Webinar, registrant_id: str) -> Registrant:
    """A registrant of this webinar by public id (any status); RegistrantNotFound else."""
    found = session.execute(
        select(Registrant).where(
            Registrant.webinar_seq == webinar.seq, Registrant.registrant_id == registrant_id
        )
    ).scalar_one_or_none()
    if found is None:
        raise RegistrantNotFound(registrant_id=registrant_id[:64])
    return found


def ids_by_email(session: Session, webinar: Webinar, emails: Sequence[str]) -> dict[str, str]:
    """Public ids of this webinar's registrants by lower-cased e-mail (those found)."""
    keys = {email.lower() for email in emails}
    rows = session.execute(
        select(Registrant.email_key, Registrant.registrant_id).where(
            Registrant.webinar_seq == webinar.seq, Registrant.email_key.in_(keys)
        )
    )
    return {str(email_key): str(registrant_id) for email_key, registrant_id in rows}


def _decided_by_host(
    session: Session, webinar: Webinar, registrant_ids: Sequence[str], name: str, why: str
) -> list[Registrant]:
    """The registrants a host approves or denies: of a manual-approval webinar, none of them
    cancelled (300, saying `why` not)."""
    require_manual_approval(webinar)
    chosen = registrants_by_ids(session, webinar, registrant_ids, name=name)
    for registrant in chosen:
        if registrant.status == RegistrantStatus.CANCELLED:
            raise InvalidParameter(
                name=name, reason=f"{registrant.registrant_id} is cancelled; {why}."
            )
    return chosen


def approve(
    session: Session, webinar: Webinar, registrant_ids: Sequence[str], *, name: str, now: datetime
) -> list[Registrant]:
    """Pending → approved; approved stays approved; a cancelled one is refused (300)."""
    chosen = _decided_by_host(session, webinar, registrant_ids, name, "they must register again")
    newly = [r for r in chosen if r.status in (RegistrantStatus.PENDING, RegistrantStatus.DENIED)]
    for registrant in newly:
        if registrant.status == RegistrantStatus.DENIED:  # the host changed their mind
            take_seat(session, webinar)
        registrant.status = RegistrantStatus.APPROVED
        registrant.updated_at = now
    session.flush()
    _record_each(session, webinar, newly, RegistrantApproved, now)
    return newly


def deny(
    session: Session, webinar: Webinar, registrant_ids: Sequence[str], *, name: str, now: datetime
) -> list[Registrant]:
    """Pending or approved → denied (their seat and link go); denied stays denied; a
    cancelled one is refused (300)."""
    chosen = _decided_by_host(session, webinar, registrant_ids, name, "there is nothing to deny")
    newly = [r for r in chosen if RegistrantStatus(r.status).holds_seat]
    for registrant in newly:
        registrant.status = RegistrantStatus.DENIED
        registrant.updated_at = now
        _free_seat(session, webinar)
    session.flush()
    _record_each(session, webinar, newly, RegistrantDenied, now)
    return newly


def _record_each(
    session: Session,
    webinar: Webinar,
    registrants: list[Registrant],
    kind: type[RegistrantApproved | RegistrantDenied | RegistrantCancelled],
    now: datetime,
) -> None:
    if registrants:
        facts = webinar_facts(webinar)
        for registrant in registrants:
            record(session, kind(webinar=facts, registrant=registrant_facts(registrant), at=now))


def cancel(
    session: Session,
    webinar: Webinar,
    registrant_ids: Sequence[str],
    *,
    name: str,
    occurrence_id: str | None,
    now: datetime,
) -> list[Registrant]:
    """Cancel registrations (of one occurrence, when given); the seat and the link go."""
    chosen = registrants_by_ids(session, webinar, registrant_ids, name=name)
    occurrence = None
    if occurrence_id is not None:
        if (
            webinar.registration_type == RegistrationType.ONCE_FOR_ALL
            or webinar.type != WebinarType.RECURRING_FIXED_TIME
        ):
            raise InvalidOccurrence(value=occurrence_id)
        occurrence = find_occurrence(webinar, occurrence_id)
    cancelled: list[Registrant] = []
    for registrant in chosen:
        if not RegistrantStatus(registrant.status).holds_seat:
            continue
        if occurrence is not None and _still_registered_elsewhere(session, registrant, occurrence):
            continue
        registrant.status = RegistrantStatus.CANCELLED
        registrant.updated_at = now
        _free_seat(session, webinar)
        cancelled.append(registrant)
    session.flush()
    _record_each(session, webinar, cancelled, RegistrantCancelled, now)
    return cancelled


def _still_registered_elsewhere(
    session: Session, registrant: Registrant, occurrence: Occurrence
) -> bool:
    """Cancel one occurrence of a registrant; True while other occurrences remain."""
    session.execute(
        update(OccurrenceRegistration)
        .where(
            OccurrenceRegistration.registrant_pk == registrant.id,
            OccurrenceRegistration.occurrence_pk == occurrence.id,
        )
        .values(is_cancelled=True)
    )
    remaining = session.execute(
        select(func.count())
        .select_from(OccurrenceRegistration)
        .where(
            OccurrenceRegistration.registrant_pk == registrant.id,
            OccurrenceRegistration.is_cancelled.is_(False),
        )
    ).scalar_one()
    return bool(remaining)


def _page(
    session: Session,
    conditions: list[ColumnElement[bool]],
    page: Page,
    *,
    dense: bool,
    total: int | None = None,
) -> tuple[int, list[Registrant]]:
    if total is None:
        total = int(
            session.execute(
                select(func.count()).select_from(Registrant).where(*conditions)
            ).scalar_one()
        )
    if page.offset >= total:
        return total, []
    query = select(Registrant).where(*conditions).order_by(Registrant.position).limit(page.size)
    # With every position present (1..total), a page is a range, not an OFFSET scan.
    query = query.where(Registrant.position > page.offset) if dense else query.offset(page.offset)
    return total, list(session.execute(query).scalars())


def list_by_status(
    session: Session, webinar: Webinar, status: str, page: Page
) -> tuple[int, list[Registrant]]:
    """Registrants of one status (registrants/list), in registration order."""
    require_manual_approval(webinar)
    conditions = [Registrant.webinar_seq == webinar.seq, Registrant.status == status]
    return _page(session, conditions, page, dense=False)


def list_in_states(
    session: Session,
    webinar: Webinar,
    statuses: Sequence[str],
    occurrence_id: str | None,
    page: Page,
) -> tuple[int, list[Registrant]]:
    """Registrants in any of `statuses` (of one occurrence, when given and the webinar
    registers per occurrence), in registration order; any registration webinar."""
    conditions: list[ColumnElement[bool]] = [
        Registrant.webinar_seq == webinar.seq,
        Registrant.status.in_(statuses),
    ]
    if occurrence_id is not None:
        occurrence = find_occurrence(webinar, occurrence_id)
        if RegistrationType(webinar.registration_type).is_per_occurrence:
            conditions.append(registered_for(occurrence.id))
    return _page(session, conditions, page, dense=False)


def list_registration(
    session: Session, webinar: Webinar, occurrence_id: str | None, page: Page
) -> tuple[int, list[Registrant]]:
    """Everyone who registered (any status), optionally only those of one occurrence."""
    conditions: list[ColumnElement[bool]] = [Registrant.webinar_seq == webinar.seq]
    # Everyone ever registered is 1..registrant_total: no COUNT over a large webinar.
    everyone = webinar.registrant_total
    if occurrence_id is None:
        return _page(session, conditions, page, dense=True, total=everyone)
    occurrence = find_occurrence(webinar, occurrence_id)
    if RegistrationType(webinar.registration_type).is_per_occurrence:
        conditions.append(registered_for(occurrence.id))
        return _page(session, conditions, page, dense=False)
    return _page(session, conditions, page, dense=True, total=everyone)
