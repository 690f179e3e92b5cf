"""Handlers of the registrant-facing operations."""

from __future__ import annotations

from podium.api import shapes
from podium.api.call import ApiCall, Json
from podium.api.registrant_params import read_attendee, read_occurrence_ids, read_registrant_ids
from podium.services import registrants, webinars
from podium.services.registrants import APPROVED, PENDING
from podium.timestamps import format_timestamp

MAX_APPROVE, MAX_CANCEL = 300, 15
STATUS_BY_TYPE = {0: PENDING, 1: APPROVED}


def webinar_register(call: ApiCall) -> Json:
    params = call.params
    webinar = webinars.get_webinar(call.session, call.account_id, params.required("id"))
    attendee = read_attendee(params)
    registration = registrants.register(
        call.session,
        webinar,
        attendee,
        occurrence_ids=read_occurrence_ids(params),
        issuer=call.issuer,
        now=call.now,
    )
    return shapes.registration(call, webinar, registration)


def webinar_registrants_list(call: ApiCall) -> Json:
    call.host()
    webinar = webinars.get_webinar(call.session, call.account_id, call.params.required("id"))
    kind = call.params.optional_choice("type", (0, 1))
    page = call.params.page()
    kind = 0 if kind is None else kind
    total, found = registrants.list_by_status(call.session, webinar, STATUS_BY_TYPE[kind], page)
    body = shapes.paged(total, page, "users", [shapes.user(item) for item in found])
    return body | {"type": kind}


def webinar_registrants_approve(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = webinars.get_webinar(call.session, call.account_id, webinar_id)
    name, ids = read_registrant_ids(call.params, limit=MAX_APPROVE)
    registrants.approve(call.session, webinar, ids, name=name, now=call.now)
    return {"id": webinar_id, "updated_at": format_timestamp(call.now)}


def webinar_registration(call: ApiCall) -> Json:
    call.host()
    webinar = webinars.get_webinar(call.session, call.account_id, call.params.required("id"))
    occurrence_id = call.params.optional("occurrence_id")
    page = call.params.page()
    total, found = registrants.list_registration(call.session, webinar, occurrence_id, page)
    items = [shapes.registrant(call, webinar, item) for item in found]
    return shapes.paged(total, page, "attendees", items)


def webinar_registration_cancel(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = webinars.get_webinar(call.session, call.account_id, webinar_id)
    name, ids = read_registrant_ids(call.params, limit=MAX_CANCEL)
    occurrence_id = call.params.optional("occurrence_id")
    registrants.cancel(
        call.session, webinar, ids, name=name, occurrence_id=occurrence_id, now=call.now
    )
    return {"id": webinar_id, "updated_at": format_timestamp(call.now)}
