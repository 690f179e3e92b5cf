"""ACTIONS, the one list of v1 endpoints; `dispatch`, the one place that decides how a call
runs (shortcut or not); `run_action`: authenticate, then handle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from podium.api import registration, reports, shortcuts, webinar
from podium.api.call import ApiCall, ApiContext, Handler, Json
from podium.api.params import Params
from podium.api.shortcuts import ReadShortcut, WriteShortcut
from podium.errors import MissingCredentials
from podium.services import accounts


@dataclass(frozen=True)
class Action:
    handler: Handler
    writes: bool
    # The common case, cheaper (api/shortcuts.py): before a reading call's transaction, or
    # inside a writing call's.
    read_shortcut: ReadShortcut | None = None
    write_shortcut: WriteShortcut | None = None


ACTIONS: dict[str, Action] = {
    "webinar/create": Action(webinar.webinar_create, writes=True),
    "webinar/get": Action(webinar.webinar_get, writes=False, read_shortcut=shortcuts.webinar_get),
    "webinar/update": Action(webinar.webinar_update, writes=True),
    "webinar/delete": Action(webinar.webinar_delete, writes=True),
    "webinar/end": Action(webinar.webinar_end, writes=True),
    "webinar/list": Action(webinar.webinar_list, writes=False),
    "webinar/list/registration": Action(webinar.webinar_list_registration, writes=False),
    "webinar/panelists": Action(webinar.webinar_panelists, writes=False),
    "webinar/register": Action(
        registration.webinar_register, writes=True, write_shortcut=shortcuts.webinar_register
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


@dataclass(frozen=True)
class Dispatch:
    """How one call runs: `first`, when set, on a plain connection (a reading shortcut; None
    means it did not answer), then `work` in a transaction (reading or writing)."""

    first: Callable[[Connection], Json | None] | None
    work: Callable[[Session], Json]
    writes: bool


def dispatch(action: Action, params: Params, context: ApiContext) -> Dispatch:
    """A reading shortcut runs first, without a session; a writing one inside the call's
    transaction, before authentication: when it does not answer it has written nothing,
    and the handler runs as if it had not been there."""
    work = partial(run_action, action, params, context)
    first = None
    if action.read_shortcut is not None:
        first = partial(action.read_shortcut, params, context)
    if action.write_shortcut is not None:
        work = partial(_shortcut_first, action.write_shortcut, work, params, context)
    return Dispatch(first, work, action.writes)


def _shortcut_first(
    shortcut: WriteShortcut,
    work: Callable[[Session], Json],
    params: Params,
    context: ApiContext,
    session: Session,
) -> Json:
    answer = shortcut(params, context, session)
    return work(session) if answer is None else answer


def run_action(action: Action, params: Params, context: ApiContext, session: Session) -> Json:
    """Authenticate the caller, then run the handler inside the caller's transaction."""
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
