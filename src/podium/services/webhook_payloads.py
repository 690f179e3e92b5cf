"""Domain events → Zoom's webhook bodies, and how Zoom signs them.

Which event is sent for what (the object shapes follow @zoom/rivet 0.4.0's types, see
../shared/docs/webhooks-contract.md):

    WebinarCreated        webinar.created                  id: number
    WebinarUpdated        webinar.updated (+ old_object)   id: number
    WebinarDeleted        webinar.deleted                  id: number
    WebinarStarted        webinar.started                  id: string
    WebinarEnded          webinar.ended                    id: string
    RegistrantCreated     webinar.registration_created     id: number
    RegistrantApproved    webinar.registration_approved    id: number
    RegistrantDenied      webinar.registration_denied      id: number
    RegistrantCancelled   webinar.registration_cancelled   id: number
    ParticipantJoined     webinar.participant_joined       id: string
    ParticipantLeft       webinar.participant_left         id: string

The body is the compact JSON that JavaScript's `JSON.stringify` gives for the parsed body
(Zoom's SDK verifies the signature over that re-serialisation): no spaces, non-ASCII as is,
integers only, no integer-like keys. A registrant's personal join link is not in the stored
body: it goes in when the body is sent (`with_join_url`), from the stored nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from podium import recurrence
from podium.codes import WebinarType
from podium.events import (
    Event,
    ParticipantFacts,
    ParticipantJoined,
    ParticipantLeft,
    RegistrantApproved,
    RegistrantCancelled,
    RegistrantCreated,
    RegistrantDenied,
    RegistrantEvent,
    WebinarCreated,
    WebinarDeleted,
    WebinarEnded,
    WebinarEvent,
    WebinarFacts,
    WebinarStarted,
    WebinarUpdated,
)
from podium.timestamps import format_timestamp

Json = dict[str, Any]
URL_VALIDATION = "endpoint.url_validation"
EVENT_NAMES: dict[type[WebinarEvent], str] = {
    WebinarCreated: "webinar.created",
    WebinarUpdated: "webinar.updated",
    WebinarDeleted: "webinar.deleted",
    WebinarStarted: "webinar.started",
    WebinarEnded: "webinar.ended",
    RegistrantCreated: "webinar.registration_created",
    RegistrantApproved: "webinar.registration_approved",
    RegistrantDenied: "webinar.registration_denied",
    RegistrantCancelled: "webinar.registration_cancelled",
    ParticipantJoined: "webinar.participant_joined",
    ParticipantLeft: "webinar.participant_left",
}
EVENTS = tuple(EVENT_NAMES.values())  # every event a subscription may ask for

# WebinarFacts names → where Zoom's webinar.updated puts them (settings.<name> or top level).
UPDATED_FIELDS: dict[str, tuple[str, str | None]] = {
    "topic": ("topic", None),
    "type": ("type", None),
    "start_at": ("start_time", None),
    "duration": ("duration", None),
    "timezone": ("timezone", None),
    "password": ("password", None),
    "agenda": ("agenda", None),
    "recurrence": ("recurrence", None),
    "approval_type": ("settings", "approval_type"),
    "registration_type": ("settings", "registration_type"),
    "option_audio": ("settings", "audio"),
    "option_host_video": ("settings", "host_video"),
    "option_panelist_video": ("settings", "panelists_video"),
    "option_practice_session": ("settings", "practice_session"),
    "option_enforce_login": ("settings", "enforce_login"),
    "option_alternative_hosts": ("settings", "alternative_hosts"),
    "option_auto_record_type": ("settings", "auto_recording"),
}


@dataclass(frozen=True, slots=True)
class Notification:
    """What an event owes the subscribers of its account."""

    event: str
    account_id: int
    at: datetime
    body: str  # the JSON sent (without the personal join link, see with_join_url)
    link_nonce: str | None  # the registrant's link nonce, when the object has a join_url


def serialise(document: Mapping[str, Any]) -> str:
    """JSON as JavaScript's JSON.stringify writes it."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def event_ts(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def notification(event: Event, public_url: str) -> Notification | None:
    """The webhook an event calls for (None: Zoom sends nothing for it)."""
    name = EVENT_NAMES.get(type(event))  # type: ignore[arg-type]
    if name is None or not isinstance(event, WebinarEvent):
        return None
    payload: Json = {"account_id": str(event.webinar.account_id)}
    build = BUILDERS[name]
    link_nonce = build(payload, event, public_url)
    body = serialise({"event": name, "event_ts": event_ts(event.at), "payload": payload})
    return Notification(name, event.webinar.account_id, event.at, body, link_nonce)


def with_join_url(body: str, link: Callable[[int], str]) -> str:
    """The stored body with the registrant's personal join link (`link(webinar_id)`)."""
    document = json.loads(body)
    shaped = document["payload"]["object"]
    shaped["registrant"]["join_url"] = link(shaped["id"])
    return serialise(document)


def url_validation_body(plain_token: str, at: datetime) -> str:
    return serialise(
        {"payload": {"plainToken": plain_token}, "event_ts": event_ts(at), "event": URL_VALIDATION}
    )


def encrypted_token(secret_token: str, plain_token: str) -> str:
    """What a valid endpoint answers for `plain_token`: hex HMAC-SHA-256 with the secret."""
    return hmac.new(secret_token.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def signature(secret_token: str, timestamp: int, body: bytes) -> str:
    """x-zm-signature for a body sent with x-zm-request-timestamp `timestamp`."""
    message = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret_token.encode(), message, hashlib.sha256).hexdigest()


# -- objects ----------------------------------------------------------------------------------


def _operator(payload: Json, webinar: WebinarFacts) -> None:
    """Podium does not know who acted; the webinar's host stands for them."""
    payload["operator"] = webinar.host_email
    payload["operator_id"] = webinar.host_id


def _base(webinar: WebinarFacts, *, string_id: bool, start_at: datetime | None = None) -> Json:
    """The keys every webinar object starts with (start_time only when there is one)."""
    start = start_at or webinar.start_at
    base: Json = {
        "uuid": webinar.uuid,
        "id": str(webinar.id) if string_id else webinar.id,
        "host_id": webinar.host_id,
        "topic": webinar.topic,
        "type": webinar.type,
    }
    if start is not None:
        base["start_time"] = format_timestamp(start)
    base["duration"] = webinar.duration
    base["timezone"] = webinar.timezone
    return base


def _occurrences(webinar: WebinarFacts, *, full: bool = False) -> list[Json]:
    found = []
    for item in webinar.occurrences if full else webinar.available_occurrences:
        entry: Json = {
            "occurrence_id": item.occurrence_id,
            "start_time": format_timestamp(item.start_at),
        }
        if full:
            entry["duration"] = item.duration
            entry["status"] = "deleted" if item.is_deleted else "available"
        found.append(entry)
    return found


def _recurrence(text: str | None) -> Json | None:
    """The stored v1 recurrence as Zoom's webhook object (weekly_days as "1,2")."""
    if text is None:
        return None
    data = json.loads(text)
    shaped: Json = {}
    for key in recurrence.FIELDS:
        value = data.get(key)
        if key == "weekly_days":
            value = ",".join(str(day) for day in value or ()) or None
        if value is not None:
            shaped[key] = value
    return shaped


def _created(payload: Json, event: WebinarCreated, public_url: str) -> None:
    webinar = event.webinar
    _operator(payload, webinar)
    shaped = _base(webinar, string_id=False)
    shaped["join_url"] = f"{public_url}/j/{webinar.id}"
    if webinar.password:
        shaped["password"] = webinar.password
    shaped["creation_source"] = "open_api"
    if webinar.type == WebinarType.RECURRING_FIXED_TIME:
        shaped["occurrences"] = _occurrences(webinar, full=True)
    shaped["settings"] = {"use_pmi": False, "alternative_hosts": webinar.option_alternative_hosts}
    recurrence = _recurrence(webinar.recurrence)
    if recurrence is not None:
        shaped["recurrence"] = recurrence
    payload["object"] = shaped


def _updated_value(name: str, value: object) -> object:
    if name == "start_at":
        return format_timestamp(value) if isinstance(value, datetime) else ""
    if name == "recurrence":
        return _recurrence(value if isinstance(value, str) else None) or {}
    return value


def _updated(payload: Json, event: WebinarUpdated, _public_url: str) -> None:
    """Only the changed settings, new values in `object`, old ones in `old_object`."""
    webinar = event.webinar
    _operator(payload, webinar)
    new: Json = {"id": webinar.id}
    old: Json = {"id": webinar.id}
    for name, (key, setting) in UPDATED_FIELDS.items():
        if name not in event.old:
            continue
        for shaped, value in ((new, getattr(webinar, name)), (old, event.old[name])):
            if setting is None:
                shaped[key] = _updated_value(name, value)
            else:
                shaped.setdefault("settings", {})[setting] = value
    payload["object"] = new
    payload["time_stamp"] = event_ts(event.at)
    payload["old_object"] = old


def _deleted(payload: Json, event: WebinarDeleted, _public_url: str) -> None:
    webinar = event.webinar
    _operator(payload, webinar)
    payload["operation"] = "single" if event.occurrence_ids else "all"
    shaped = _base(webinar, string_id=False)
    if event.occurrence_ids:
        chosen = set(event.occurrence_ids)
        shaped["occurrences"] = [
            {"occurrence_id": item.occurrence_id, "start_time": format_timestamp(item.start_at)}
            for item in webinar.occurrences
            if item.occurrence_id in chosen
        ]
    payload["object"] = shaped


def _started(payload: Json, event: WebinarStarted, _public_url: str) -> None:
    shaped = _base(event.webinar, string_id=True, start_at=event.at)
    shaped["uuid"] = event.instance_uuid
    payload["object"] = shaped


def _ended(payload: Json, event: WebinarEnded, _public_url: str) -> None:
    webinar = event.webinar
    shaped = _base(webinar, string_id=True, start_at=event.started_at)
    shaped["uuid"] = event.instance_uuid or webinar.uuid
    shaped["end_time"] = format_timestamp(event.at)
    shaped["practice_session"] = webinar.option_practice_session
    payload["object"] = shaped


def _registrant_object(event: RegistrantEvent) -> Json:
    shaped = _base(event.webinar, string_id=False)
    if event.webinar.type == WebinarType.RECURRING_FIXED_TIME:
        shaped["occurrences"] = _occurrences(event.webinar)
    return shaped


def _person(event: RegistrantEvent) -> Json:
    registrant = event.registrant
    return {
        "id": registrant.registrant_id,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
        "email": registrant.email,
    }


def _registration_created(payload: Json, event: RegistrantCreated, _public_url: str) -> str:
    registrant = event.registrant
    person = _person(event) | dict(registrant.profile)
    questions = json.loads(registrant.custom_questions)
    if questions:
        person["custom_questions"] = questions
    person["status"] = str(registrant.status)
    person["join_url"] = ""  # the personal link, put in when sent
    payload["object"] = _registrant_object(event) | {"registrant": person}
    return registrant.token_nonce


def _registration_approved(payload: Json, event: RegistrantApproved, _public_url: str) -> str:
    _operator(payload, event.webinar)
    person = _person(event) | {"join_url": ""}
    payload["object"] = _registrant_object(event) | {"registrant": person}
    return event.registrant.token_nonce


def _registration_decided(
    payload: Json, event: RegistrantDenied | RegistrantCancelled, _public_url: str
) -> None:
    """Denied or cancelled: no join link any more."""
    _operator(payload, event.webinar)
    payload["object"] = _registrant_object(event) | {"registrant": _person(event)}


def _participant(event: ParticipantJoined | ParticipantLeft, person: Json) -> Json:
    shaped = _base(event.webinar, string_id=True, start_at=event.started_at)
    shaped["uuid"] = event.instance_uuid
    return shaped | {"participant": person}


def _who(participant: ParticipantFacts) -> Json:
    """Zoom's `user_id` is the participant's id within the session: the join's row here;
    `id` (a Zoom user's id) stays empty, as for Zoom's guests."""
    return {"user_id": str(participant.attendance_id), "user_name": participant.name, "id": ""}


def _joined(payload: Json, event: ParticipantJoined, _public_url: str) -> None:
    person = _who(event.participant) | {
        "join_time": format_timestamp(event.at),
        "email": event.participant.email,
    }
    if event.participant.registrant_id:
        person["registrant_id"] = event.participant.registrant_id
    payload["object"] = _participant(event, person)


def _left(payload: Json, event: ParticipantLeft, _public_url: str) -> None:
    person = _who(event.participant) | {
        "leave_time": format_timestamp(event.at),
        "email": event.participant.email,
    }
    if event.participant.registrant_id:
        person["registrant_id"] = event.participant.registrant_id
    payload["object"] = _participant(event, person)


Builder = Callable[[Json, Any, str], str | None]  # each takes its own kind of event
BUILDERS: dict[str, Builder] = {
    "webinar.created": _created,
    "webinar.updated": _updated,
    "webinar.deleted": _deleted,
    "webinar.started": _started,
    "webinar.ended": _ended,
    "webinar.registration_created": _registration_created,
    "webinar.registration_approved": _registration_approved,
    "webinar.registration_denied": _registration_decided,
    "webinar.registration_cancelled": _registration_decided,
    "webinar.participant_joined": _joined,
    "webinar.participant_left": _left,
}
