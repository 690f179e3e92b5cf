"""Handlers of the webinar operations: typed parameters in, one service call, a shape out."""

from __future__ import annotations

from podium.api import shapes
from podium.api.call import ApiCall, Json
from podium.api.webinar_params import read_webinar_settings
from podium.services import lookup, panelists, webinars
from podium.timestamps import format_timestamp


def webinar_create(call: ApiCall) -> Json:
    host = call.host()
    call.params.required("topic", max_length=300)
    settings = read_webinar_settings(call.params)
    webinar = webinars.create_webinar(
        call.session, host, settings, issuer=call.issuer, now=call.now
    )
    return shapes.webinar(call, webinar)


def webinar_get(call: ApiCall) -> Json:
    call.host()
    row, occurrences = lookup.webinar_view(
        call.session.connection(), call.account_id, call.params.required("id")
    )
    return shapes.webinar_with_occurrences(call, row, occurrences)


def webinar_update(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = lookup.find_webinar(call.session, webinar_id, account_id=call.account_id)
    settings = read_webinar_settings(call.params)
    webinars.update_webinar(call.session, webinar, settings, issuer=call.issuer, now=call.now)
    return {"id": webinar_id, "updated_at": format_timestamp(call.now)}


def webinar_delete(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = lookup.find_webinar(call.session, webinar_id, account_id=call.account_id)
    occurrence_id = call.params.optional("occurrence_id")
    if occurrence_id is None:
        webinars.delete_webinar(call.session, webinar, now=call.now)
    else:
        webinars.delete_occurrence(call.session, webinar, occurrence_id, now=call.now)
    return {"id": webinar_id, "deleted_at": format_timestamp(call.now)}


def webinar_end(call: ApiCall) -> Json:
    call.host()
    webinar_id = call.params.required("id")
    webinar = lookup.find_webinar(call.session, webinar_id, account_id=call.account_id)
    webinars.end_webinar(call.session, webinar, now=call.now)
    return {"id": webinar_id, "ended_at": format_timestamp(call.now)}


def _listing(call: ApiCall, *, with_registration: bool) -> Json:
    host = call.host()
    page = call.params.page()
    total, items = webinars.list_webinars(
        call.session, host, page, with_registration=with_registration, now=call.now
    )
    return shapes.paged(total, page, "webinars", [shapes.webinar(call, item) for item in items])


def webinar_list(call: ApiCall) -> Json:
    return _listing(call, with_registration=False)


def webinar_list_registration(call: ApiCall) -> Json:
    return _listing(call, with_registration=True)


def webinar_panelists(call: ApiCall) -> Json:
    call.host()
    webinar = lookup.find_webinar(
        call.session, call.params.required("id"), account_id=call.account_id
    )
    found = panelists.list_panelists(call.session, webinar)
    return {
        "total_records": len(found),
        "panelists": [shapes.panelist(call, webinar, panelist) for panelist in found],
    }
