"""Models → v1 JSON, with names, types and formats exactly as Zoom sent them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from podium.api.call import Json, Shaping
from podium.api.params import page_count
from podium.codes import ApprovalType, RegistrantStatus, WebinarType
from podium.db.models import Occurrence, Panelist, Registrant, Webinar
from podium.services.registration import Registration
from podium.services.schedules import occurrence_key
from podium.services.webinars import Page
from podium.timestamps import format_timestamp


def webinar(call: Shaping, item: Webinar | Row[Any], host_id: str | None = None) -> Json:
    """`item`: the ORM webinar, or its row from services.lookup.webinar_view (then
    `host_id` comes with it)."""
    urls = call.urls
    host_id = host_id or item.host.host_id
    zak = call.issuer.zak(host_id, call.now + call.context.zak_lifetime)
    registration_url = (
        "" if item.approval_type == ApprovalType.NO_REGISTRATION else urls.registration_url(item.id)
    )
    return {
        "uuid": item.uuid,
        "id": item.id,
        "host_id": host_id,
        "topic": item.topic,
        "agenda": item.agenda,
        "type": item.type,
        "status": item.status,
        "start_time": format_timestamp(item.start_at),
        "duration": item.duration,
        "timezone": item.timezone,
        "start_url": urls.start_url(item.id, zak),
        "join_url": urls.join_url(item.id),
        "registration_url": registration_url,
        "created_at": format_timestamp(item.created_at),
        "option_start_type": "video",
        "option_audio": item.option_audio,
        "option_enforce_login": item.option_enforce_login,
        "option_enforce_login_domains": item.option_enforce_login_domains,
        "option_alternative_hosts": item.option_alternative_hosts,
    }


def occurrence(item: Occurrence | Row[Any]) -> Json:
    return {
        "occurrence_id": occurrence_key(item),
        "start_time": format_timestamp(item.start_at),
        "duration": item.duration,
        "status": "deleted" if item.is_deleted else "available",
    }


def webinar_with_occurrences(call: Shaping, item: Row[Any], occurrences: list[Row[Any]]) -> Json:
    """webinar/get: the row and occurrences of services.lookup.webinar_view."""
    shown = occurrences if item.type == WebinarType.RECURRING_FIXED_TIME else []
    return webinar(call, item, item.host_id) | {"occurrences": [occurrence(o) for o in shown]}


def paged(total: int, page: Page, key: str, items: list[Json]) -> Json:
    return {
        "page_count": page_count(total, page),
        "page_number": page.number,
        "page_size": page.size,
        "total_records": total,
        key: items,
    }


def panelist(call: Shaping, webinar: Webinar, item: Panelist) -> Json:
    token = call.issuer.link_token(item.token_nonce, item.token_digest)
    return {
        "name": item.name,
        "email": item.email,
        "join_url": call.urls.personal_url(webinar.id, token),
    }


def first_start(call: Shaping, webinar: Webinar, registration: Registration) -> datetime | None:
    """The registration's first start: a chosen occurrence, the next one, or the webinar's."""
    if registration.occurrences:
        return min(o.start_at for o in registration.occurrences)
    if webinar.type == WebinarType.RECURRING_FIXED_TIME:
        upcoming = [
            o.start_at for o in webinar.occurrences if not o.is_deleted and o.start_at >= call.now
        ]
        if upcoming:
            return min(upcoming)
    return webinar.start_at


def personal_url(
    call: Shaping, webinar_id: int, status: str, nonce: str, digest: str | None = None
) -> str:
    """A registrant's own join link; one who is not registered (cancelled, denied) has none.
    `digest` (stored with the nonce) picks the key the link was made with."""
    if not RegistrantStatus(status).holds_seat:
        return ""
    return call.urls.personal_url(webinar_id, call.issuer.link_token(nonce, digest))


def registration(
    call: Shaping,
    webinar: Webinar | Row[Any],
    registrant: Registrant | Mapping[str, Any],
    start: datetime | None,
) -> Json:
    """webinar/register's answer, for the registrant as stored or as just inserted (its
    column values)."""

    def value(name: str) -> Any:
        if isinstance(registrant, Mapping):
            return registrant[name]
        return getattr(registrant, name)

    return {
        "registrant_id": value("registrant_id"),
        "id": webinar.id,
        "topic": webinar.topic,
        "start_time": format_timestamp(start),
        "join_url": personal_url(
            call, webinar.id, value("status"), value("token_nonce"), value("token_digest")
        ),
    }


def user(item: Registrant) -> Json:
    return {
        "id": item.registrant_id,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "email": item.email,
        "registration_time": format_timestamp(item.created_at),
    }


def registrant(call: Shaping, webinar: Webinar, item: Registrant) -> Json:
    return {
        "id": item.registrant_id,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "email": item.email,
        "create_time": format_timestamp(item.created_at),
        "approval": item.status,
        "registration_url": personal_url(
            call, webinar.id, item.status, item.token_nonce, item.token_digest
        ),
    }
