"""The dashboard session behind a request, as a `Viewer` (the report pages and CSV exports
ask this; the dashboard's own pages use ManagePages.signed_in, which also keeps the session
alive)."""

from __future__ import annotations

from starlette.requests import Request

from podium.web.manage_pages import session_of, viewer_of
from podium.web.runtime import Runtime
from podium.web.viewer import Viewer


async def session_viewer(runtime: Runtime, request: Request) -> Viewer | None:
    """Who the request's dashboard cookie signs in (None: no live session): the account's
    owner sees the whole account, another host only their own webinars."""
    signed = session_of(runtime, request, runtime.context.clock.now())
    return None if signed is None else viewer_of(signed)
