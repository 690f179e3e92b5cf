"""v2 panelist handlers."""

from __future__ import annotations

from podium.api.v2 import shapes
from podium.api.v2.bodies import PanelistsBody
from podium.api.v2.call import Answer, V2Call
from podium.db.models import Webinar
from podium.services import lookup, panelists
from podium.services.panelists import PanelistEntry
from podium.timestamps import format_timestamp


def _webinar(call: V2Call) -> Webinar:
    return lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)


def list_panelists(call: V2Call) -> Answer:
    webinar = _webinar(call)
    found = panelists.list_panelists(call.session, webinar)
    return {
        "total_records": len(found),
        "panelists": [shapes.panelist(call, webinar, item) for item in found],
    }


def add_panelists(call: V2Call) -> Answer:
    body: PanelistsBody = call.body
    webinar = _webinar(call)
    entries = tuple(PanelistEntry(name=p.name.strip(), email=p.email) for p in body.panelists)
    panelists.add_panelists(call.session, webinar, entries, issuer=call.issuer, now=call.now)
    return {"id": str(webinar.id), "updated_at": format_timestamp(call.now)}


def remove_all_panelists(call: V2Call) -> Answer:
    panelists.remove_all_panelists(call.session, _webinar(call))
    return None


def remove_panelist(call: V2Call) -> Answer:
    panelists.remove_panelist(call.session, _webinar(call), call.path["panelistId"])
    return None
