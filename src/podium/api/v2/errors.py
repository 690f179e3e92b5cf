"""Exception → (body, status, headers) for the v2 dialect: the only code that knows v2's
error bodies. `{"code", "message"}`, plus `errors` naming the refused fields; the HTTP
status comes from the error's class (`v2_status`, else `http_status`), never a handler.
The token endpoint answers OAuth's `{"reason", "error"}` instead (`render_oauth`)."""

from __future__ import annotations

from typing import Any

from podium.api.call import Json
from podium.errors import (
    InternalError,
    InvalidParameter,
    MissingParameter,
    OAuthRefused,
    ValidationFailed,
    ZoomError,
)


def field_errors(error: ZoomError) -> list[dict[str, str]] | None:
    """The fields a validation error names (None for other errors)."""
    if isinstance(error, ValidationFailed):
        listed: list[dict[str, str]] = error.context["errors"]  # type: ignore[assignment]
        return listed
    if isinstance(error, MissingParameter):
        return [{"field": str(error.context["name"]), "message": "This field is required."}]
    if isinstance(error, InvalidParameter):
        return [{"field": str(error.context["name"]), "message": str(error.context["reason"])}]
    return None


def status_of(error: ZoomError) -> int:
    return error.v2_status or error.http_status


def render(error: BaseException) -> tuple[Json, int, dict[str, str]]:
    """Anything that is not a ZoomError is a fault of ours: InternalError (the caller logs)."""
    known = error if isinstance(error, ZoomError) else InternalError()
    message = str(known)
    if known.v2_message is not None:
        message = known.v2_message.format_map(_Lenient(known.context))
    body: dict[str, Any] = {"code": known.v2_code or known.code, "message": message}
    errors = field_errors(known)
    if errors is not None:
        body["errors"] = errors
    return body, status_of(known), dict(known.headers)


def render_oauth(error: BaseException) -> tuple[Json, int, dict[str, str]]:
    """POST /oauth/token's refusals: {"reason", "error"} (others as render gives them)."""
    if isinstance(error, OAuthRefused):
        return {"reason": str(error), "error": error.oauth_error}, status_of(error), {}
    return render(error)


class _Lenient(dict[str, object]):
    """A message template's values; a name the context lacks stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
