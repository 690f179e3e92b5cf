"""Webinars: create, read, change, delete, end, and the two host listings."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session

from podium.db.models import ApiCredential, Occurrence, User, Webinar, WebinarInstance
from podium.db.plain import PlainQuery
from podium.errors import InvalidParameter, MissingParameter, WebinarNotFound
from podium.numbers import ascii_int
from podium.recurrence import Recurrence
from podium.services import outbox
from podium.services import panelists as panelist_rules
from podium.services.accounts import Host
from podium.services.panelists import PanelistEntry
from podium.services.schedules import (
    NO_FIXED_TIME,
    RECURRING_FIXED_TIME,
    find_occurrence,
    reconcile_occurrences,
    refresh_schedule_end,
)
from podium.services.sessions import close_open_attendance
from podium.services.tokens import Issuer

SCHEDULED = 5
NO_REGISTRATION = 2
ENDED = 2
MAX_WEBINAR_ID = 99_999_999_999


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


def _apply(webinar: Webinar, settings: WebinarSettings) -> set[str]:
    """Copy the supplied settings onto the webinar; the names of those that changed."""
    changed: set[str] = set()
    for field in fields(settings):
        value = getattr(settings, field.name)
        if value is None or field.name == "panelists":
            continue
        stored = value.to_json() if isinstance(value, Recurrence) else value
        if getattr(webinar, field.name) != stored:
            setattr(webinar, field.name, stored)
            changed.add(field.name)
    return changed


def _check_schedule(webinar: Webinar) -> None:
    """Rules that depend on several settings at once."""
    if webinar.type == NO_FIXED_TIME:
        webinar.start_at = None
    if webinar.type != RECURRING_FIXED_TIME:
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
        type=SCHEDULED,
        status=0,
        start_at=None if settings.type == RECURRING_FIXED_TIME else now,
        duration=60,
        timezone="UTC",
        password="",
        approval_type=NO_REGISTRATION,
        registration_type=1,
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
    if settings.panelists is not None:
        panelist_rules.replace_panelists(
            session, webinar, settings.panelists, issuer=issuer, now=now
        )
    return webinar


def webinar_number(text: str) -> int | None:
    """A webinar id as sent (path segment or parameter), if it can be one at all."""
    number = ascii_int(text, max_digits=11)
    return number if number is not None and 0 < number <= MAX_WEBINAR_ID else None


@cache
def _account_webinar_query() -> Select[Webinar]:
    """Built once: composing the expression costs more than running it (hot path)."""
    return select(Webinar).where(
        Webinar.id == bindparam("webinar_id"),
        Webinar.account_id == bindparam("account_id"),
        Webinar.deleted_at.is_(None),
    )


def get_webinar(session: Session, account_id: int, webinar_id: str) -> Webinar:
    """A live webinar of the account; unknown, deleted and foreign ids are all 'not found'."""
    text = webinar_id.strip()
    number = webinar_number(text)
    if number is not None:
        webinar = session.execute(
            _account_webinar_query(), {"webinar_id": number, "account_id": account_id}
        ).scalar_one_or_none()
        if webinar is not None:
            return webinar
    raise WebinarNotFound(webinar_id=text)


@cache
def _view_query() -> Select[Any]:
    return (
        select(*Webinar.__table__.columns, User.host_id)
        .join(User, User.id == Webinar.host_user_id)
        .where(
            Webinar.id == bindparam("webinar_id"),
            Webinar.account_id == bindparam("account_id"),
            Webinar.deleted_at.is_(None),
        )
    )


@cache
def _occurrences_query() -> Select[Any]:
    return (
        select(*Occurrence.__table__.columns)
        .where(Occurrence.webinar_seq == bindparam("seq"))
        .order_by(Occurrence.start_at)
    )


def keyed_webinar(*columns: Any) -> Select[Any]:
    """The hot paths' one read: the stored `secret_hash` of the API key `:api_key` (not
    revoked) and `columns`, from the live webinar `:webinar_id` of that key's account. The
    caller checks the secret and joins what else it needs."""
    credentials = cast("Table", ApiCredential.__table__)
    webinars = cast("Table", Webinar.__table__)
    return (
        select(credentials.c.secret_hash, *columns)
        .select_from(credentials)
        .join(
            webinars,
            (webinars.c.id == bindparam("webinar_id"))
            & (webinars.c.account_id == credentials.c.account_id)
            & webinars.c.deleted_at.is_(None),
        )
        .where(credentials.c.api_key == bindparam("api_key"), credentials.c.revoked_at.is_(None))
    )


# What webinar/get shows of a webinar (shapes.webinar), and `seq` for its occurrences.
SHOWN_COLUMNS = (
    "seq", "id", "uuid", "topic", "agenda", "type", "status", "start_at", "duration",
    "timezone", "approval_type", "created_at", "option_audio", "option_enforce_login",
    "option_enforce_login_domains", "option_alternative_hosts",
)  # fmt: skip


@cache
def _view_by_credentials_query() -> PlainQuery:
    users = cast("Table", User.__table__)
    caller, owner = users.alias("caller"), users.alias("owner")
    webinars = cast("Table", Webinar.__table__)
    shown = [webinars.c[name] for name in SHOWN_COLUMNS]
    return PlainQuery(
        keyed_webinar(caller.c.has_webinar.label("caller_has_webinar"), *shown, owner.c.host_id)
        .join(
            caller,
            (caller.c.host_id == bindparam("host_id"))
            & (caller.c.account_id == webinars.c.account_id),
        )
        .join(owner, owner.c.id == webinars.c.host_user_id)
    )


def view_by_credentials(
    connection: Connection, *, api_key: str, host_id: str, webinar_id: int
) -> tuple[Row[Any], list[Row[Any]]] | None:
    """webinar/get's happy path in one statement: the webinar row (as webinar_view gives it,
    plus the stored `secret_hash` to check and `caller_has_webinar`) when the key exists,
    `host_id` is a user of its account and the webinar is that account's, live; else None."""
    row = _view_by_credentials_query().first(
        connection, {"api_key": api_key, "host_id": host_id, "webinar_id": webinar_id}
    )
    if row is None:
        return None
    occurrences: list[Row[Any]] = []
    if row.type == RECURRING_FIXED_TIME:
        occurrences = list(connection.execute(_occurrences_query(), {"seq": row.seq}).all())
    return row, occurrences


def webinar_view(
    session: Session, account_id: int, webinar_id: str
) -> tuple[Row[Any], list[Row[Any]]]:
    """A live webinar of the account as plain rows (with its host's `host_id`) and its
    occurrences: what `webinar/get` shows, read without ORM objects (the hot read path)."""
    text = webinar_id.strip()
    number = webinar_number(text)
    connection = session.connection()
    row = None
    if number is not None:
        row = connection.execute(
            _view_query(), {"webinar_id": number, "account_id": account_id}
        ).first()
    if row is None:
        raise WebinarNotFound(webinar_id=text)
    occurrences: list[Row[Any]] = []
    if row.type == RECURRING_FIXED_TIME:
        occurrences = list(connection.execute(_occurrences_query(), {"seq": row.seq}).all())
    return row, occurrences


def update_webinar(
    session: Session, webinar: Webinar, settings: WebinarSettings, *, issuer: Issuer, now: datetime
) -> None:
    if (
        settings.type is not None
        and settings.type != RECURRING_FIXED_TIME
        and settings.registration_type is not None
    ):
        raise InvalidParameter(
            name="registration_type", reason="It applies to type 9 webinars only."
        )
    changed = _apply(webinar, settings)
    _check_schedule(webinar)
    if changed & SCHEDULE_FIELDS:
        reconcile_occurrences(session, webinar, keep_before=now)
    if settings.panelists is not None:
        panelist_rules.replace_panelists(
            session, webinar, settings.panelists, issuer=issuer, now=now
        )
    webinar.updated_at = now
    session.flush()
    if changed & SCHEDULE_FIELDS:
        outbox.schedule_changed(session, webinar, cancelled=False, now=now)


def delete_webinar(session: Session, webinar: Webinar, *, now: datetime) -> None:
    """Soft delete: from now on the webinar answers like one that never existed."""
    webinar.deleted_at = now
    webinar.updated_at = now
    session.flush()
    outbox.schedule_changed(session, webinar, cancelled=True, now=now)


def delete_occurrence(
    session: Session, webinar: Webinar, occurrence_id: str, *, now: datetime
) -> None:
    occurrence = find_occurrence(webinar, occurrence_id)
    occurrence.is_deleted = True
    refresh_schedule_end(webinar)
    webinar.updated_at = now
    session.flush()
    outbox.schedule_changed(session, webinar, cancelled=False, now=now)


def end_webinar(session: Session, webinar: Webinar, *, now: datetime) -> None:
    """Status 2; a running session closes now (a webinar never started just gets status 2)."""
    webinar.status = ENDED
    webinar.ended_at = now
    webinar.updated_at = now
    running = session.execute(
        select(WebinarInstance).where(
            WebinarInstance.webinar_seq == webinar.seq, WebinarInstance.ended_at.is_(None)
        )
    ).scalars()
    for instance in running:
        instance.ended_at = now
        close_open_attendance(session, instance, now)
    session.flush()


def _upcoming(now: datetime) -> ColumnElement[bool]:
    is_over = or_(
        and_(Webinar.type == SCHEDULED, Webinar.status == ENDED),
        and_(Webinar.schedule_ends_at.is_not(None), Webinar.schedule_ends_at <= now),
    )
    return not_(is_over)


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
        conditions += [Webinar.approval_type != NO_REGISTRATION, _upcoming(now)]
    else:
        conditions.append(Webinar.approval_type == NO_REGISTRATION)
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


__all__ = [
    "Page",
    "WebinarSettings",
    "create_webinar",
    "delete_occurrence",
    "delete_webinar",
    "end_webinar",
    "account_webinars",
    "find_webinar_anywhere",
    "forget_account_data",
    "get_webinar",
    "list_webinars",
    "update_webinar",
]


def account_webinars(session: Session, account_id: int) -> list[Webinar]:
    """Every live (not deleted) webinar of the account, oldest first."""
    return list(
        session.execute(
            select(Webinar)
            .where(Webinar.account_id == account_id, Webinar.deleted_at.is_(None))
            .order_by(Webinar.seq)
        ).scalars()
    )


def find_webinar_anywhere(session: Session, webinar_id: str) -> Webinar:
    """A live webinar of any account (the management API's view)."""
    number = webinar_number(webinar_id.strip())
    webinar = None
    if number is not None:
        webinar = session.execute(
            select(Webinar).where(Webinar.id == number, Webinar.deleted_at.is_(None))
        ).scalar_one_or_none()
    if webinar is None:
        raise WebinarNotFound(webinar_id=webinar_id.strip()[:40])
    return webinar


def forget_account_data(session: Session, account_id: int) -> int:
    """Delete the account's webinars and everything under them (foreign keys cascade);
    the account, its users and keys stay. Returns how many webinars went."""
    result = session.execute(delete(Webinar).where(Webinar.account_id == account_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def get_open_webinar(session: Session, webinar_id: str, *, now: datetime) -> Webinar:
    """A webinar taking registrations, for the public pages: anything else is 'not found'."""
    text = webinar_id.strip()
    number = webinar_number(text)
    if number is not None:
        webinar = session.execute(
            select(Webinar).where(
                Webinar.id == number,
                Webinar.deleted_at.is_(None),
                Webinar.approval_type != NO_REGISTRATION,
                _upcoming(now),
            )
        ).scalar_one_or_none()
        if webinar is not None:
            return webinar
    raise WebinarNotFound(webinar_id=text)


def select_live_webinar(webinar_id: int) -> Select[Webinar]:
    """The query for a webinar that exists and is not deleted (public, live pages)."""
    return select(Webinar).where(Webinar.id == webinar_id, Webinar.deleted_at.is_(None))
