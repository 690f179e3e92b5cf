"""Shortcuts: the common case of a hot v1 call answered with the fewest statements.

A shortcut answers only a call whose every part checks out (credentials, host, the thing
asked for); for anything else it returns None and the call runs its ordinary handler, which
finds the right answer or the right error. So a shortcut never decides an error and cannot
change what a client sees, only what it costs (tests/api/test_shortcuts.py compares both).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from podium.api import shapes
from podium.api.call import Answering, ApiContext, Json
from podium.api.params import Params
from podium.services import webinars
from podium.services.tokens import secret_matches

MAX_HOST_ID = 64  # as ApiCall.host() reads it

Shortcut = Callable[[Params, ApiContext, Connection], "Json | None"]


def webinar_get(params: Params, context: ApiContext, connection: Connection) -> Json | None:
    """webinar/get in one statement (two for a recurring webinar's occurrences)."""
    api_key, api_secret = params.raw("api_key"), params.raw("api_secret")
    host_id, text = params.raw("host_id"), params.raw("id")
    if api_key is None or api_secret is None or host_id is None or text is None:
        return None
    if len(host_id) > MAX_HOST_ID or host_id != host_id.strip():
        return None
    number = webinars.webinar_number(text.strip())
    if number is None:
        return None
    found = webinars.view_by_credentials(
        connection, api_key=api_key, host_id=host_id, webinar_id=number
    )
    if found is None:
        return None
    row, occurrences = found
    if not row.caller_has_webinar or not secret_matches(
        context.issuer.key, api_secret, row.secret_hash
    ):
        return None
    answering = Answering(context, context.clock.now())
    return shapes.webinar_with_occurrences(answering, row, occurrences)
