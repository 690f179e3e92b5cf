"""v2 webinar handlers: validated body in, one service call, a shape out."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from podium.api.v2 import shapes
from podium.api.v2.bodies import (
    DeleteWebinarQuery,
    GetWebinarQuery,
    ListWebinarsQuery,
    OccurrenceQuery,
    WebinarBody,
    WebinarSettingsBody,
)
from podium.api.v2.call import Answer, V2Call, V2Read
from podium.api.v2.paging import page_asked, paging
from podium.errors import InvalidParameter
from podium.recurrence import parse_recurrence
from podium.services import accounts, lookup, webinars
from podium.services.schedules import find_occurrence
from podium.services.webinars import WebinarSettings
from podium.timestamps import parse_timestamp

_ZONED = re.compile(r"(Z|z|[+-]\d{2}:?\d{2})$")


def start_at(text: str | None, zone: str) -> datetime | None:
    """A v2 `start_time`: UTC with Z (or an offset), else wall-clock time in `zone`."""
    if text is None:
        return None
    moment = parse_timestamp(text, name="start_time")  # a time without zone reads as UTC
    if _ZONED.search(text):
        return moment
    return moment.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _text(value: str | None) -> str | None:
    """Trimmed; blank counts as not given (as v1 reads it)."""
    return value.strip() or None if value is not None else None


def read_settings(body: WebinarBody, *, zone: str) -> WebinarSettings:
    """The webinar settings a v2 body gives; `zone`: the time zone of a local start_time
    when the body names none."""
    given = body.settings or WebinarSettingsBody()
    rule = body.recurrence
    return WebinarSettings(
        topic=_text(body.topic),
        type=body.type,
        start_at=start_at(body.start_time, body.timezone or zone),
        duration=body.duration,
        timezone=body.timezone,
        password=body.password,
        recurrence=None if rule is None else parse_recurrence(rule.model_dump(exclude_none=True)),
        approval_type=given.approval_type,
        registration_type=given.registration_type,
        agenda=None if body.agenda is None else body.agenda.strip(),
        option_audio=given.audio,
        option_host_video=given.host_video,
        option_panelist_video=given.panelists_video,
        option_practice_session=given.practice_session,
        option_enforce_login=given.enforce_login,
        option_enforce_login_domains=_text(given.enforce_login_domains),
        option_alternative_hosts=_text(given.alternative_hosts),
        option_auto_record_type=given.auto_recording,
        language=given.email_language,
    )


def list_webinars(call: V2Call) -> Answer:
    query: ListWebinarsQuery = call.query
    host = accounts.find_user(call.session, call.account_id, call.path["userId"])
    listing = f"webinars:{host.id}:{query.type}"
    page = page_asked(call, listing)
    total, found = webinars.host_webinars(
        call.session, host, page, upcoming=query.type == "upcoming", now=call.now
    )
    items = [shapes.webinar_item(call, item) for item in found]
    return paging(call.key, listing, page, total, call.now, numbered=True) | {"webinars": items}


def create_webinar(call: V2Call) -> Answer:
    host = accounts.find_user(call.session, call.account_id, call.path["userId"])
    settings = read_settings(call.body, zone="UTC")
    created = webinars.create_webinar(
        call.session, host, settings, issuer=call.issuer, now=call.now
    )
    return shapes.webinar(call, created)


def get_webinar(call: V2Call) -> Answer:
    query: GetWebinarQuery = call.query
    webinar, _ = lookup.find_webinar_or_session(
        call.session, call.path["webinarId"], account_id=call.account_id
    )
    chosen = None
    if query.occurrence_id is not None:
        chosen = find_occurrence(webinar, query.occurrence_id)
    return shapes.webinar(
        call, webinar, chosen=chosen, show_previous=query.show_previous_occurrences
    )


def get_webinar_quickly(call: V2Read, connection: Connection) -> Answer:
    """GET webinar's common case (a webinar number, no occurrence asked for) on plain rows;
    None for anything else, and for a webinar it does not find: the handler answers."""
    query: GetWebinarQuery = call.query
    number = lookup.webinar_number(call.path["webinarId"].strip())
    if query.occurrence_id is not None or number is None:
        return None
    found = lookup.webinar_record(connection, call.account_id, number)
    if found is None:
        return None
    row, occurrences = found
    return shapes.webinar_record(
        call, row, occurrences, show_previous=query.show_previous_occurrences
    )


def update_webinar(call: V2Call) -> Answer:
    query: OccurrenceQuery = call.query
    webinar = lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)
    if query.occurrence_id is not None:
        raise InvalidParameter(
            name="occurrence_id", reason="Podium changes a series as a whole: leave it out."
        )
    settings = read_settings(call.body, zone=webinar.timezone)
    webinars.update_webinar(call.session, webinar, settings, issuer=call.issuer, now=call.now)
    return None


def delete_webinar(call: V2Call) -> Answer:
    query: DeleteWebinarQuery = call.query
    webinar = lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)
    if query.occurrence_id is None:
        webinars.delete_webinar(call.session, webinar, now=call.now)
    else:
        webinars.delete_occurrence(call.session, webinar, query.occurrence_id, now=call.now)
    return None


def end_webinar(call: V2Call) -> Answer:
    webinar = lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)
    webinars.end_webinar(call.session, webinar, now=call.now)
    return None
