"""Models → v2 JSON: names, types and formats as Zoom's v2 sends them (api/v2/answers.py
declares them; the tests hold the two together)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from podium.api.call import Json
from podium.api.shapes import first_start, occurrence, personal_url
from podium.api.v2.call import V2Call, V2Read
from podium.codes import STANDARD_QUESTIONS, ApprovalType, RegistrantStatus, WebinarType
from podium.db.models import Occurrence, Panelist, Poll, Registrant, Webinar
from podium.recurrence import Recurrence
from podium.services.polls import poll_questions
from podium.services.registration import Registration
from podium.timestamps import format_timestamp

# v2 knows three states: a registration cancelled (by the host or the person) shows as
# denied, as Zoom shows it. Both directions come from this one table.
V2_STATE = {
    RegistrantStatus.APPROVED: "approved",
    RegistrantStatus.PENDING: "pending",
    RegistrantStatus.DENIED: "denied",
    RegistrantStatus.CANCELLED: "denied",
}
STATES_SHOWN_AS = {
    shown: tuple(status for status, state in V2_STATE.items() if state == shown)
    for shown in set(V2_STATE.values())
}


def recurrence(stored: str) -> Json:
    """The stored rule as v2 writes it (weekly days as "1,3")."""
    rule = Recurrence.from_json(stored)
    body: Json = {"type": rule.type, "repeat_interval": rule.repeat_interval}
    if rule.weekly_days:
        body["weekly_days"] = ",".join(str(day) for day in rule.weekly_days)
    for name in ("monthly_day", "monthly_week", "monthly_week_day", "end_times"):
        value = getattr(rule, name)
        if value is not None:
            body[name] = value
    if rule.end_date_time is not None:
        body["end_date_time"] = format_timestamp(rule.end_date_time)
    return body


def settings(item: Webinar | Row[Any]) -> Json:
    return {
        "approval_type": item.approval_type,
        "registration_type": item.registration_type,
        "audio": item.option_audio,
        "auto_recording": item.option_auto_record_type,
        "host_video": item.option_host_video,
        "panelists_video": item.option_panelist_video,
        "practice_session": item.option_practice_session,
        "enforce_login": item.option_enforce_login,
        "enforce_login_domains": item.option_enforce_login_domains,
        "alternative_hosts": item.option_alternative_hosts,
        "email_language": item.language,
        "registrants_confirmation_email": True,
        "registrants_email_notification": True,
    }


def _has_ended(item: Occurrence | Row[Any], now: datetime) -> bool:
    return item.start_at + timedelta(minutes=item.duration) <= now


def webinar_item(call: V2Read, item: Webinar | Row[Any], host_id: str | None = None) -> Json:
    """A webinar in a listing (`host_id` comes beside a row; an ORM webinar has its host)."""
    body: Json = {
        "uuid": item.uuid,
        "id": item.id,
        "host_id": host_id or item.host.host_id,
        "topic": item.topic,
        "type": item.type,
        "duration": item.duration,
        "timezone": item.timezone,
        "agenda": item.agenda,
        "created_at": format_timestamp(item.created_at),
        "join_url": call.urls.join_url(item.id),
        "is_simulive": False,
    }
    if item.start_at is not None:
        body["start_time"] = format_timestamp(item.start_at)
    return body


def webinar(
    call: V2Read,
    item: Webinar,
    *,
    chosen: Occurrence | None = None,
    show_previous: bool = False,
) -> Json:
    """The webinar object; `chosen`: seen as that occurrence (its start and duration)."""
    host = item.host
    return _webinar(call, item, host.host_id, host.email, item.occurrences, chosen, show_previous)


def webinar_record(
    call: V2Read, row: Row[Any], occurrences: Sequence[Row[Any]], *, show_previous: bool
) -> Json:
    """The same object from the plain rows of services.lookup.webinar_record."""
    return _webinar(call, row, row.host_id, row.host_email, occurrences, None, show_previous)


def _webinar(
    call: V2Read,
    item: Webinar | Row[Any],
    host_id: str,
    host_email: str,
    occurrences: Sequence[Occurrence | Row[Any]],
    chosen: Occurrence | None,
    show_previous: bool,
) -> Json:
    zak = call.issuer.zak(host_id, call.now + call.context.zak_lifetime)
    body = webinar_item(call, item, host_id) | {
        "host_email": host_email,
        "start_url": call.urls.start_url(item.id, zak),
        "password": item.password,
        "settings": settings(item),
        "creation_source": "open_api",
    }
    if item.approval_type != ApprovalType.NO_REGISTRATION:
        body["registration_url"] = call.urls.registration_url(item.id)
    if item.type == WebinarType.RECURRING_FIXED_TIME:
        shown: Sequence[Occurrence | Row[Any]] = occurrences
        if chosen is not None:
            shown = [chosen]
            body["start_time"] = format_timestamp(chosen.start_at)
            body["duration"] = chosen.duration
        elif not show_previous:
            shown = [o for o in shown if not _has_ended(o, call.now)]
        body["occurrences"] = [occurrence(o) for o in shown]
        if item.recurrence is not None:
            body["recurrence"] = recurrence(item.recurrence)
    return body


def registrant(call: V2Call, webinar: Webinar, item: Registrant) -> Json:
    body: Json = {"id": item.registrant_id, "email": item.email}
    body["first_name"], body["last_name"] = item.first_name, item.last_name
    body.update({name: getattr(item, name) for name in STANDARD_QUESTIONS})
    body["custom_questions"] = json.loads(item.custom_questions)
    body["status"] = V2_STATE[RegistrantStatus(item.status)]
    body["create_time"] = format_timestamp(item.created_at)
    body["join_url"] = personal_url(call.answering, webinar.id, item.status, item.token_nonce)
    body["language"] = item.language
    return body


def registration(call: V2Call, webinar: Webinar, registered: Registration) -> Json:
    """POST …/registrants: the registrant's link and the occurrences it is for."""
    item = registered.registrant
    occurrences = registered.occurrences
    if not occurrences and webinar.type == WebinarType.RECURRING_FIXED_TIME:
        occurrences = [o for o in webinar.occurrences if not o.is_deleted]
    return {
        "id": webinar.id,
        "registrant_id": item.registrant_id,
        "join_url": personal_url(call.answering, webinar.id, item.status, item.token_nonce),
        "topic": webinar.topic,
        "start_time": format_timestamp(first_start(call.answering, webinar, registered)),
        "occurrences": [occurrence(o) for o in occurrences],
    }


def new_registration(call: V2Read, webinar: Row[Any], values: Mapping[str, Any]) -> Json:
    """POST …/registrants of a new e-mail on the plain path: the same answer as
    `registration` gives (no occurrences: that path takes no series)."""
    return {
        "id": webinar.id,
        "registrant_id": values["registrant_id"],
        "join_url": personal_url(
            call.answering, webinar.id, values["status"], values["token_nonce"]
        ),
        "topic": webinar.topic,
        "start_time": format_timestamp(webinar.start_at),
        "occurrences": [],
    }


def panelist(call: V2Call, webinar: Webinar, item: Panelist) -> Json:
    return {
        "id": item.panelist_id,
        "email": item.email,
        "name": item.name,
        "join_url": call.urls.personal_url(
            webinar.id, call.issuer.link_token(item.token_nonce, item.token_digest)
        ),
        "virtual_background_id": "",
        "name_tag_id": "",
        "name_tag_name": "",
        "name_tag_pronouns": "",
        "name_tag_description": "",
    }


def poll(item: Poll, answered: Iterable[int]) -> Json:
    return {
        "id": str(item.id),
        "status": "ended" if item.id in answered else "notstart",
        "anonymous": False,
        "poll_type": 1,
        "title": item.title,
        "questions": [
            {"name": q.name, "type": q.type, "answer_required": False, "answers": list(q.answers)}
            for q in poll_questions(item)
        ],
    }


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def grouped(people: dict[str, Json], name: str, email: str, detail: Json, **extra: Any) -> None:
    """Add `detail` to the person's `question_details` (people keyed by e-mail)."""
    person = people.setdefault(
        email.lower(), {"name": name, "email": email, **extra, "question_details": []}
    )
    person["question_details"].append(detail)
