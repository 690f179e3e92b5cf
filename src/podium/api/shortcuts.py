"""Shortcuts: the common case of a hot v1 call answered with the fewest statements.

A shortcut answers only a call whose every part checks out (credentials, host, the thing
asked for); for anything else it returns None and the call runs its ordinary handler, which
finds the right answer or the right error. So a shortcut never decides an error and cannot
change what a client sees, only what it costs (tests/http/test_shortcuts.py compares both).
Both paths share the rules and the answer's shape: a shortcut only reads its inputs faster.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from podium.api import shapes
from podium.api.call import Answering, ApiContext, Json
from podium.api.params import Params
from podium.api.registrant_params import read_attendee
from podium.services import lookup, registration
from podium.services.tokens import secret_matches
from podium.text import has_control

MAX_HOST_ID = 64  # as ApiCall.host() reads it

ReadShortcut = Callable[[Params, ApiContext, Connection], "Json | None"]
WriteShortcut = Callable[[Params, ApiContext, Session], "Json | None"]


def _key_pair_and_webinar(params: Params) -> tuple[str, str, int] | None:
    """api_key, api_secret and the webinar number, when all three are there and well formed."""
    api_key, api_secret, text = params.raw("api_key"), params.raw("api_secret"), params.raw("id")
    if api_key is None or api_secret is None or text is None or has_control(api_key):
        return None
    number = lookup.webinar_number(text.strip())
    return None if number is None else (api_key, api_secret, number)


def webinar_get(params: Params, context: ApiContext, connection: Connection) -> Json | None:
    """webinar/get in one statement (two for a recurring webinar's occurrences)."""
    asked, host_id = _key_pair_and_webinar(params), params.raw("host_id")
    if asked is None or host_id is None or len(host_id) > MAX_HOST_ID:
        return None
    if host_id != host_id.strip() or has_control(host_id):
        return None  # the handler trims it, or refuses it
    api_key, api_secret, number = asked
    found = lookup.view_by_credentials(
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


def webinar_register(params: Params, context: ApiContext, session: Session) -> Json | None:
    """webinar/register of a new e-mail for a webinar that is not a series: four statements
    (one read, the seat and position, the registrant, its e-mail) in the caller's
    transaction. The attendee's fields are read exactly as the handler reads them, at the
    same point (after the credentials and the webinar), so their errors are the handler's;
    so are the rule's (services.registration.admission)."""
    asked, email = _key_pair_and_webinar(params), params.raw("email")
    if asked is None or email is None or params.raw("occurrence_ids") is not None:
        return None
    api_key, api_secret, number = asked
    email = email.strip()
    if has_control(email):  # the handler refuses it; it must not reach a query
        return None
    row = registration.registration_target(
        session.connection(), api_key=api_key, webinar_id=number, email=email
    )
    if row is None or not secret_matches(context.issuer.key, api_secret, row.secret_hash):
        return None
    attendee = read_attendee(params)
    if registration.email_key(attendee.email) != registration.email_key(email):
        return None  # the address was normalised: the lookup above asked for another key
    now = context.clock.now()
    created = registration.register_new(session, row, attendee, issuer=context.issuer, now=now)
    if created is None:
        return None
    return shapes.registration(Answering(context, now), row, created, row.start_at)
