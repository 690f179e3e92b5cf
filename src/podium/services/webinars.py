"""Webinars: create, read, change, delete, end, and the two host listings."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, not_, select
from sqlalchemy.orm import Session

from podium.codes import ApprovalType, RegistrationType, WebinarStatus, WebinarType
from podium.db.models import Webinar, WebinarInstance
from podium.errors import InvalidParameter, MissingParameter
from podium.events import WebinarCreated, WebinarDeleted, WebinarEnded, WebinarUpdated
from podium.recurrence import Recurrence
from podium.services import panelists as panelist_rules
from podium.services.accounts import Host
from podium.services.events import record, webinar_facts
from podium.services.instances import close_open_attendance
from podium.services.panelists import PanelistEntry
from podium.services.schedules import (
    find_occurrence,
    is_over_clause,
    occurrence_key,
    reconcile_occurrences,
    refresh_schedule_end,
)
from podium.services.tokens import Issuer


@dataclass(frozen=True)
class WebinarSettings:
    """Settings of a webinar as a caller gave them; None means "not supplied"."""

    topic: str | None = None
    type: int | None = None
    start_at: datetime | None = None
    duration: int | None = None
    timezone: str | None = None
    password: str | None = None
    recurrence: Recurrence | None = None
    approval_type: int | None = None
    registration_type: int | None = None
    agenda: str | None = None
    option_audio: str | None = None
    option_host_video: bool | None = None
    option_panelist_video: bool | None = None
    option_practice_session: bool | None = None
    option_enforce_login: bool | None = None
    option_enforce_login_domains: str | None = None
    option_alternative_hosts: str | None = None
    option_alternative_host_ids: str | None = None
    option_auto_record_type: str | None = None
    language: str | None = None
    panelists: tuple[PanelistEntry, ...] | None = None


SCHEDULE_FIELDS = frozenset({"type", "start_at", "duration", "timezone", "recurrence"})


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = 30

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def _apply(webinar: Webinar, settings: WebinarSettings) -> dict[str, Any]:
    """Copy the supplied settings onto the webinar; each changed one's value before."""
    old: dict[str, Any] = {}
    for field in fields(settings):
        value = getattr(settings, field.name)
        if value is None or field.name == "panelists":
            continue
        stored = value.to_json() if isinstance(value, Recurrence) else value
        before = getattr(webinar, field.name)
        if before != stored:
            setattr(webinar, field.name, stored)
            old[field.name] = before
    return old


def _check_schedule(webinar: Webinar) -> None:
    """Rules that depend on several settings at once."""
    if webinar.type == WebinarType.RECURRING_NO_FIXED_TIME:
        webinar.start_at = None
    if webinar.type != WebinarType.RECURRING_FIXED_TIME:
        webinar.recurrence = None
        return
    if webinar.start_at is None:
        raise MissingParameter(name="start_time")
    if webinar.recurrence is None:
        raise MissingParameter(name="recurrence")


def _unused_webinar_id(session: Session, issuer: Issuer) -> int:
    while True:
        candidate = issuer.ids.webinar_id()
        taken = session.execute(select(Webinar.seq).where(Webinar.id == candidate)).first()
        if taken is None:
            return candidate


def create_webinar(
    session: Session, host: Host, settings: WebinarSettings, *, issuer: Issuer, now: datetime
) -> Webinar:
    if settings.topic is None:
        raise MissingParameter(name="topic")
    webinar = Webinar(
        id=_unused_webinar_id(session, issuer),
        uuid=issuer.ids.uuid(),
        account_id=host.account_id,
        host_user_id=host.id,
        topic=settings.topic,
        agenda="",
        type=WebinarType.SCHEDULED,
        status=WebinarStatus.WAITING,
        start_at=None if settings.type == WebinarType.RECURRING_FIXED_TIME else now,
        duration=60,
        timezone="UTC",
        password="",
        approval_type=ApprovalType.NO_REGISTRATION,
        registration_type=RegistrationType.ONCE_FOR_ALL,
        option_audio="both",
        option_host_video=True,
        option_panelist_video=True,
        option_practice_session=False,
        option_enforce_login=False,
        option_enforce_login_domains="",
        option_alternative_hosts="",
        option_alternative_host_ids="",
        option_auto_record_type="local",
        language="",
        seats_taken=0,
        created_at=now,
        updated_at=now,
        occurrences=[],
    )
    _apply(webinar, settings)
    _check_schedule(webinar)
    session.add(webinar)
    session.flush()
    reconcile_occurrences(session, webinar, keep_before=None)
    record(session, WebinarCreated(webinar=webinar_facts(webinar), at=now))
    if settings.panelists is not None:
        panelist_rules.replace_panelists(
            session, webinar, settings.panelists, issuer=issuer, now=now
        )
    return webinar


def update_webinar(
    session: Session, webinar: Webinar, settings: WebinarSettings, *, issuer: Issuer, now: datetime
) -> None:
    if (
        settings.type is not None
        and settings.type != WebinarType.RECURRING_FIXED_TIME
        and settings.registration_type is not None
    ):
        raise InvalidParameter(
            name="registration_type", reason="It applies to type 9 webinars only."
        )
    old = _apply(webinar, settings)
    _check_schedule(webinar)
    schedule_changed = bool(old.keys() & SCHEDULE_FIELDS)
    if schedule_changed:
        reconcile_occurrences(session, webinar, keep_before=now)
        webinar.calendar_sequence += 1  # calendars see a change of the same event
    if settings.panelists is not None:
        panelist_rules.replace_panelists(
            session, webinar, settings.panelists, issuer=issuer, now=now
        )
    webinar.updated_at = now
    session.flush()
    if old:
        facts = webinar_facts(webinar)
        record(
            session,
            WebinarUpdated(webinar=facts, old=old, schedule_changed=schedule_changed, at=now),
        )


def delete_webinar(session: Session, webinar: Webinar, *, now: datetime) -> None:
    """Soft delete: from now on the webinar answers like one that never existed."""
    webinar.deleted_at = now
    webinar.updated_at = now
    webinar.calendar_sequence += 1
    session.flush()
    record(session, WebinarDeleted(webinar=webinar_facts(webinar), at=now))


def delete_occurrence(
    session: Session, webinar: Webinar, occurrence_id: str, *, now: datetime
) -> None:
    occurrence = find_occurrence(webinar, occurrence_id)
    occurrence.is_deleted = True
    refresh_schedule_end(webinar)
    webinar.updated_at = now
    webinar.calendar_sequence += 1
    session.flush()
    deleted = (occurrence_key(occurrence),)
    record(session, WebinarDeleted(webinar=webinar_facts(webinar), occurrence_ids=deleted, at=now))


def end_webinar(session: Session, webinar: Webinar, *, now: datetime) -> None:
    """Status 2; a running session closes now, everyone in it leaving (a webinar never
    started just gets status 2)."""
    webinar.status = WebinarStatus.ENDED
    webinar.ended_at = now
    webinar.updated_at = now
    running = session.execute(
        select(WebinarInstance).where(
            WebinarInstance.webinar_seq == webinar.seq, WebinarInstance.ended_at.is_(None)
        )
    ).scalar_one_or_none()
    session.flush()
    if running is not None:
        running.ended_at = now
        close_open_attendance(session, running, now)
    facts = webinar_facts(webinar)
    uuid, started_at = (None, None) if running is None else (running.uuid, running.started_at)
    record(session, WebinarEnded(webinar=facts, instance_uuid=uuid, started_at=started_at, at=now))
    session.flush()


def _upcoming(now: datetime) -> ColumnElement[bool]:
    return not_(is_over_clause(now))


def list_webinars(
    session: Session, host: Host, page: Page, *, with_registration: bool, now: datetime
) -> tuple[int, list[Webinar]]:
    """(total, one page) of the host's live webinars: registration-less ones, or upcoming
    ones with registration, in start order (webinars with no fixed time last)."""
    conditions: list[ColumnElement[bool]] = [
        Webinar.host_user_id == host.id,
        Webinar.deleted_at.is_(None),
    ]
    if with_registration:
        conditions += [Webinar.approval_type != ApprovalType.NO_REGISTRATION, _upcoming(now)]
    else:
        conditions.append(Webinar.approval_type == ApprovalType.NO_REGISTRATION)
    return _listed(session, conditions, page)


def host_webinars(
    session: Session, host: Host, page: Page, *, upcoming: bool, now: datetime
) -> tuple[int, list[Webinar]]:
    """(total, one page) of all the host's live webinars, or only those not over yet
    (`upcoming`), in start order (webinars with no fixed time last)."""
    conditions: list[ColumnElement[bool]] = [
        Webinar.host_user_id == host.id,
        Webinar.deleted_at.is_(None),
    ]
    if upcoming:
        conditions.append(_upcoming(now))
    return _listed(session, conditions, page)


def _listed(
    session: Session, conditions: list[ColumnElement[bool]], page: Page
) -> tuple[int, list[Webinar]]:
    """(total, one page) of the webinars matching `conditions`, in start order (webinars
    with no fixed time last)."""
    total = session.execute(
        select(func.count()).select_from(Webinar).where(*conditions)
    ).scalar_one()
    if total == 0 or page.offset >= total:
        return int(total), []
    rows = session.execute(
        select(Webinar)
        .where(*conditions)
        .order_by(Webinar.start_at.is_(None), Webinar.start_at, Webinar.seq)
        .offset(page.offset)
        .limit(page.size)
    ).scalars()
    return int(total), list(rows)


def forget_account_data(session: Session, account_id: int) -> int:
    """Delete the account's webinars and everything under them (foreign keys cascade);
    the account, its users and keys stay. Returns how many webinars went."""
    result = session.execute(delete(Webinar).where(Webinar.account_id == account_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
