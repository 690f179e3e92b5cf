"""Handlers of the registrant-facing operations."""

from __future__ import annotations

from podium.api import shapes
from podium.api.call import ApiCall, Json
from podium.api.registrant_params import read_attendee, read_occurrence_ids, read_registrant_ids
from podium.codes import RegistrantStatus
from podium.services import lookup, registrants, registration
from podium.timestamps import format_timestamp

MAX_APPROVE, MAX_CANCEL = 300, 15
STATUS_BY_TYPE = {0: RegistrantStatus.PENDING, 1: RegistrantStatus.APPROVED}


def webinar_register(call: ApiCall) -> Json:
    params = call.params
    webinar = lookup.find_webinar(call.session, params.required("id"), account_id=call.account_id)
    attendee = read_attendee(params)
    registered = registration.register(
        call.session,
        webinar,
        attendee,
        occurrence_ids=read_occurrence_ids(params),
        issuer=call.issuer,
        now=call.now,
    )
    start = shapes.first_start(call, webinar, registered)
    return shapes.registration(call, webinar, registered.registrant, start)


def webinar_registrants_list(call: ApiCall) -> Json:
    call.host()
    webinar = lookup.find_webinar(
        call.session, call.params.required("id"), account_id=call.account_id
    )
    kind = call.params.optional_choice("type", (0, 1))
    page = call.params.page()
    kind = 0 if kind is None else kind
    total, found = registrants.list_by_status(call.session, webinar, STATUS_BY_TYPE[kind], page)
    body = shapes.paged(total, page, "users", [shapes.user(item) for item in found])
    return body | {"type": kind}


def webinar_registrants_approve(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = lookup.find_webinar(call.session, webinar_id, account_id=call.account_id)
    name, ids = read_registrant_ids(call.params, limit=MAX_APPROVE)
    registrants.approve(call.session, webinar, ids, name=name, now=call.now)
    return {"id": webinar_id, "updated_at": format_timestamp(call.now)}


def webinar_registration(call: ApiCall) -> Json:
    call.host()
    webinar = lookup.find_webinar(
        call.session, call.params.required("id"), account_id=call.account_id
    )
    occurrence_id = call.params.optional("occurrence_id")
    page = call.params.page()
    total, found = registrants.list_registration(call.session, webinar, occurrence_id, page)
    items = [shapes.registrant(call, webinar, item) for item in found]
    return shapes.paged(total, page, "attendees", items)


def webinar_registration_cancel(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = lookup.find_webinar(call.session, webinar_id, account_id=call.account_id)
    name, ids = read_registrant_ids(call.params, limit=MAX_CANCEL)
    occurrence_id = call.params.optional("occurrence_id")
    registrants.cancel(
        call.session, webinar, ids, name=name, occurrence_id=occurrence_id, now=call.now
    )
    return {"id": webinar_id, "updated_at": format_timestamp(call.now)}
