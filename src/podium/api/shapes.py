"""Models → v1 JSON, with names, types and formats exactly as Zoom sent them."""

from __future__ import annotations

from podium.api.call import ApiCall, Json
from podium.api.params import page_count
from podium.db.models import Occurrence, Panelist, Webinar
from podium.services.schedules import RECURRING_FIXED_TIME, occurrence_key
from podium.services.webinars import NO_REGISTRATION, Page
from podium.timestamps import format_timestamp


def webinar(call: ApiCall, item: Webinar) -> Json:
    urls = call.urls
    zak = call.issuer.zak(item.host.host_id, call.now + call.context.zak_lifetime)
    registration_url = (
        "" if item.approval_type == NO_REGISTRATION else urls.registration_url(item.id)
    )
    return {
        "uuid": item.uuid,
        "id": item.id,
        "host_id": item.host.host_id,
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


def occurrence(item: Occurrence) -> Json:
    return {
        "occurrence_id": occurrence_key(item),
        "start_time": format_timestamp(item.start_at),
        "duration": item.duration,
        "status": "deleted" if item.is_deleted else "available",
    }


def webinar_with_occurrences(call: ApiCall, item: Webinar) -> Json:
    shown = item.occurrences if item.type == RECURRING_FIXED_TIME else []
    return webinar(call, item) | {"occurrences": [occurrence(o) for o in shown]}


def paged(total: int, page: Page, key: str, items: list[Json]) -> Json:
    return {
        "page_count": page_count(total, page),
        "page_number": page.number,
        "page_size": page.size,
        "total_records": total,
        key: items,
    }


def panelist(call: ApiCall, webinar: Webinar, item: Panelist) -> Json:
    token = call.issuer.link_token(item.token_nonce)
    return {
        "name": item.name,
        "email": item.email,
        "join_url": call.urls.personal_url(webinar.id, token),
    }
