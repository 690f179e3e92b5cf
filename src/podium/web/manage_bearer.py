"""The organiser's exports and reports for scripts: the account's v2 OAuth token
(`Authorization: Bearer …`, from POST /oauth/token) makes its bearer a viewer of the whole
account, as a v2 call would be. Checked through the v2 token cache (web/v2_access.py), with
the same guessing throttle; anything short of a valid, unexpired token is no viewer at all
(the page or export then asks to sign in: 401 or a redirect)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.requests import Request

from podium.errors import ZoomError
from podium.web.v2_access import Access
from podium.web.viewer import Viewer

FindViewer = Callable[[Request], Awaitable[Viewer | None]]


def bearer_viewer(access: Access, now: Callable[[], datetime]) -> FindViewer:
    """A `find_viewer` that reads the request's v2 bearer token."""

    async def find(request: Request) -> Viewer | None:
        authorization = request.headers.get("authorization")
        if not authorization or not authorization[:7].lower().startswith("bearer "):
            return None
        address = request.client.host if request.client else ""
        try:
            grant = access.authenticate(authorization, False, address, now())
        except ZoomError:  # invalid, expired, or an address that keeps guessing
            return None
        return Viewer(grant.account_id, None, True)

    return find


def first_viewer(*finders: FindViewer) -> FindViewer:
    """A `find_viewer` asking each of `finders` in turn: the first viewer found."""

    async def find(request: Request) -> Viewer | None:
        for finder in finders:
            viewer = await finder(request)
            if viewer is not None:
                return viewer
        return None

    return find
