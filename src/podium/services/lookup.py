"""Finding a webinar by the id a caller sent: the few reads that really differ.

- `find_webinar`: the ORM webinar, of one account (the APIs) or of any (management, the
  public pages), optionally only while it takes registrations; anything else is "not found",
  deleted and other accounts' webinars included: they answer like ids that never existed.
- `webinar_view` / `view_by_credentials`: what webinar/get shows, as plain rows (the hot
  read path), by account or straight from an API key (the shortcut).
- `keyed_webinar`: the hot paths' one statement from an API key to its account's webinar.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Row, Select, Table, bindparam, select
from sqlalchemy.orm import Session

from podium.codes import ApprovalType, WebinarType
from podium.db.models import ApiCredential, Occurrence, User, Webinar, WebinarInstance
from podium.db.plain import PlainQuery
from podium.errors import WebinarNotFound
from podium.numbers import ascii_int
from podium.services.schedules import is_over_clause
from podium.text import has_control

MAX_WEBINAR_ID = 99_999_999_999

# What webinar/get shows of a webinar (api/shapes.webinar), and `seq` for its occurrences.
SHOWN_COLUMNS = (
    "seq", "id", "uuid", "topic", "agenda", "type", "status", "start_at", "duration",
    "timezone", "approval_type", "created_at", "option_audio", "option_enforce_login",
    "option_enforce_login_domains", "option_alternative_hosts",
)  # fmt: skip


def webinar_number(text: str) -> int | None:
    """A webinar id as sent (path segment or parameter), if it can be one at all."""
    number = ascii_int(text, max_digits=11)
    return number if number is not None and 0 < number <= MAX_WEBINAR_ID else None


def find_webinar(
    session: Session,
    webinar_id: str | int,
    *,
    account_id: int | None,
    open_at: datetime | None = None,
) -> Webinar:
    """The live (not deleted) webinar `webinar_id` of the account (None: of any account);
    with `open_at`, only while it takes registrations then. WebinarNotFound otherwise."""
    text = str(webinar_id).strip()
    number = webinar_number(text)
    if number is not None:
        query = select(Webinar).where(Webinar.id == number, Webinar.deleted_at.is_(None))
        if account_id is not None:
            query = query.where(Webinar.account_id == account_id)
        if open_at is not None:
            query = query.where(
                Webinar.approval_type != ApprovalType.NO_REGISTRATION, ~is_over_clause(open_at)
            )
        webinar = session.execute(query).scalar_one_or_none()
        if webinar is not None:
            return webinar
    raise WebinarNotFound(webinar_id=text[:40])


MAX_UUID = 64


def find_webinar_or_session(
    session: Session, reference: str, *, account_id: int
) -> tuple[Webinar, WebinarInstance | None]:
    """A v2 `webinarId`: a webinar's number or uuid, or one of its sessions' uuid (then
    that session comes with it). Anything else is WebinarNotFound, other accounts' and
    deleted webinars included."""
    text = reference.strip()
    if webinar_number(text) is not None:
        return find_webinar(session, text, account_id=account_id), None
    if text and len(text) <= MAX_UUID and not has_control(text):
        live = (Webinar.account_id == account_id) & Webinar.deleted_at.is_(None)
        webinar = session.execute(
            select(Webinar).where(Webinar.uuid == text, live)
        ).scalar_one_or_none()
        if webinar is not None:
            return webinar, None
        found = session.execute(
            select(Webinar, WebinarInstance)
            .join(WebinarInstance, WebinarInstance.webinar_seq == Webinar.seq)
            .where(WebinarInstance.uuid == text, live)
        ).first()
        if found is not None:
            return found.Webinar, found.WebinarInstance
    raise WebinarNotFound(webinar_id=text[:40])


def account_webinars(session: Session, account_id: int) -> list[Webinar]:
    """Every live (not deleted) webinar of the account, oldest first."""
    return list(
        session.execute(
            select(Webinar)
            .where(Webinar.account_id == account_id, Webinar.deleted_at.is_(None))
            .order_by(Webinar.seq)
        ).scalars()
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


@cache
def _view_query() -> PlainQuery:
    webinars = cast("Table", Webinar.__table__)
    owner = cast("Table", User.__table__)
    return PlainQuery(
        select(*(webinars.c[name] for name in SHOWN_COLUMNS), owner.c.host_id)
        .join(owner, owner.c.id == webinars.c.host_user_id)
        .where(
            webinars.c.id == bindparam("webinar_id"),
            webinars.c.account_id == bindparam("account_id"),
            webinars.c.deleted_at.is_(None),
        )
    )


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


@cache
def _occurrences_query() -> PlainQuery:
    occurrences = cast("Table", Occurrence.__table__)
    return PlainQuery(
        select(*occurrences.columns)
        .where(occurrences.c.webinar_seq == bindparam("seq"))
        .order_by(occurrences.c.start_at)
    )


# What the v2 webinar object shows (api/v2/shapes.webinar), and `seq` for its occurrences.
RECORD_COLUMNS = (
    "seq", "id", "uuid", "topic", "agenda", "type", "start_at", "duration", "timezone",
    "password", "recurrence", "approval_type", "registration_type", "option_audio",
    "option_auto_record_type", "option_host_video", "option_panelist_video",
    "option_practice_session", "option_enforce_login", "option_enforce_login_domains",
    "option_alternative_hosts", "language", "created_at",
)  # fmt: skip


@cache
def _record_query() -> PlainQuery:
    webinars = cast("Table", Webinar.__table__)
    owner = cast("Table", User.__table__)
    return PlainQuery(
        select(
            *(webinars.c[name] for name in RECORD_COLUMNS),
            owner.c.host_id,
            owner.c.email.label("host_email"),
        )
        .join(owner, owner.c.id == webinars.c.host_user_id)
        .where(
            webinars.c.id == bindparam("webinar_id"),
            webinars.c.account_id == bindparam("account_id"),
            webinars.c.deleted_at.is_(None),
        )
    )


View = tuple[Row[Any], list[Row[Any]]]


def webinar_record(connection: Connection, account_id: int, webinar_id: int) -> View | None:
    """The account's live webinar as a plain row (RECORD_COLUMNS, its host's `host_id` and
    `host_email`) with its occurrences, or None: the v2 GET's hot read path."""
    row = _record_query().first(connection, {"webinar_id": webinar_id, "account_id": account_id})
    return None if row is None else _with_occurrences(connection, row)


def _with_occurrences(connection: Connection, row: Row[Any]) -> View:
    occurrences: list[Row[Any]] = []
    if row.type == WebinarType.RECURRING_FIXED_TIME:
        occurrences = _occurrences_query().all(connection, {"seq": row.seq})
    return row, occurrences


def webinar_view(connection: Connection, account_id: int, webinar_id: str) -> View:
    """What webinar/get shows of the account's live webinar: its row (SHOWN_COLUMNS and the
    host's `host_id`) and occurrences, without ORM objects (the hot read path)."""
    text = webinar_id.strip()
    number = webinar_number(text)
    row = None
    if number is not None:
        row = _view_query().first(connection, {"webinar_id": number, "account_id": account_id})
    if row is None:
        raise WebinarNotFound(webinar_id=text)
    return _with_occurrences(connection, row)


def view_by_credentials(
    connection: Connection, *, api_key: str, host_id: str, webinar_id: int
) -> View | None:
    """webinar/get's happy path in one statement: the row `webinar_view` gives, plus the
    stored `secret_hash` to check and `caller_has_webinar`, when the key exists, `host_id` is
    a user of its account and the webinar is that account's, live; else None."""
    row = _view_by_credentials_query().first(
        connection, {"api_key": api_key, "host_id": host_id, "webinar_id": webinar_id}
    )
    return None if row is None else _with_occurrences(connection, row)
