"""The dashboard session behind a request, as a `Viewer` (the report pages and CSV exports
ask this; the dashboard's own pages use ManagePages.signed_in, which also keeps the session
alive)."""

from __future__ import annotations

from starlette.requests import Request

from podium.services import sign_in
from podium.web.manage_pages import SESSION_COOKIE, viewer_of
from podium.web.runtime import Runtime
from podium.web.viewer import Viewer


async def session_viewer(runtime: Runtime, request: Request) -> Viewer | None:
    """Who the request's dashboard cookie signs in (None: no live session): the account's
    owner sees the whole account, another host only their own webinars."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    now = runtime.context.clock.now()
    signed = runtime.run(
        lambda session: sign_in.find_session(session, token, now=now), writes=False
    )
    return None if signed is None else viewer_of(signed)
