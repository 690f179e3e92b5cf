"""ACTIONS, the one list of v1 endpoints, and run_action: authenticate, then handle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from podium.api import registration, reports, shortcuts, webinar
from podium.api.call import ApiCall, ApiContext, Handler, Json
from podium.api.params import Params
from podium.api.shortcuts import Shortcut
from podium.errors import MissingCredentials
from podium.services import accounts


@dataclass(frozen=True)
class Action:
    handler: Handler
    writes: bool
    shortcut: Shortcut | None = None  # the common case, cheaper (api/shortcuts.py)


ACTIONS: dict[str, Action] = {
    "webinar/create": Action(webinar.webinar_create, writes=True),
    "webinar/get": Action(webinar.webinar_get, writes=False, shortcut=shortcuts.webinar_get),
    "webinar/update": Action(webinar.webinar_update, writes=True),
    "webinar/delete": Action(webinar.webinar_delete, writes=True),
    "webinar/end": Action(webinar.webinar_end, writes=True),
    "webinar/list": Action(webinar.webinar_list, writes=False),
    "webinar/list/registration": Action(webinar.webinar_list_registration, writes=False),
    "webinar/panelists": Action(webinar.webinar_panelists, writes=False),
    "webinar/register": Action(
        registration.webinar_register, writes=True, shortcut=shortcuts.webinar_register
    ),
    "webinar/registrants/list": Action(registration.webinar_registrants_list, writes=False),
    "webinar/registrants/approve": Action(registration.webinar_registrants_approve, writes=True),
    "webinar/registration": Action(registration.webinar_registration, writes=False),
    "webinar/registration/cancel": Action(registration.webinar_registration_cancel, writes=True),
    "webinar/uuid/list": Action(reports.webinar_uuid_list, writes=False),
    "webinar/attendees/list": Action(reports.webinar_attendees_list, writes=False),
    "webinar/polls": Action(reports.webinar_polls, writes=False),
    "webinar/questions": Action(reports.webinar_questions, writes=False),
}


def run_action(action: Action, params: Params, context: ApiContext, session: Session) -> Json:
    """Authenticate the caller, then run the handler inside the caller's transaction.

    A writing action's shortcut goes first, in the same transaction: when it does not
    answer it has written nothing, and the handler runs as if it had not been there.
    (A reading action's shortcut runs without a session: V1Api.answer.)
    """
    if action.writes and action.shortcut is not None:
        answer = action.shortcut(params, context, session.connection())
        if answer is not None:
            return answer
    api_key, api_secret = params.raw("api_key"), params.raw("api_secret")
    if api_key is None or api_secret is None:
        raise MissingCredentials
    account_id = accounts.authenticate(session, api_key, api_secret, key=context.issuer.key)
    call = ApiCall(params, session, context, account_id, context.clock.now())
    return action.handler(call)


def run_for_account(
    name: str, values: dict[str, str], context: ApiContext, session: Session, account_id: int
) -> Json:
    """A v1 action on behalf of an account, for trusted callers (seeding, exports): the same
    handler, validation and answer as over HTTP, without the API key pair."""
    call = ApiCall(Params(values), session, context, account_id, context.clock.now())
    return ACTIONS[name].handler(call)
