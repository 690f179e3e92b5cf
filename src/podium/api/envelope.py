"""Exception → (body, status): the only code that knows the v1 error envelope."""

from __future__ import annotations

from podium.api.call import Json
from podium.errors import InternalError, ZoomError


def render(error: BaseException) -> tuple[Json, int, dict[str, str]]:
    """The envelope, the HTTP status and any extra headers for an error.

    Anything that is not a ZoomError is a fault of ours and renders as InternalError; the
    caller logs it.
    """
    known = error if isinstance(error, ZoomError) else InternalError()
    body = {"error": {"code": known.code, "message": str(known)}}
    return body, known.status, dict(known.headers)
