"""The renderers of errors.py's tree for the surfaces outside /v1 (api/envelope.py renders
v1): each picks the HTTP status from the error (`http_status`), never from the handler.

- `management_refusal`: the management and integrators' JSON APIs (/podium/api): the v1
  envelope `{"error": {"code", "message"}}`.
- `live_refusal`: the live pages' actions and event stream: `{"error": message}`, and
  `"confirm"`: the flag to send again with, when confirming would let it through.
- `page_refusal`: the context of error.html for a person's page.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from podium.api import envelope
from podium.errors import NeedsConfirmation, Refusal, ZoomError

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def management_refusal(error: ZoomError) -> JSONResponse:
    body, _status, headers = envelope.render(error)
    return JSONResponse(body, error.http_status, headers=headers)


def live_refusal(error: ZoomError) -> JSONResponse:
    body = {"error": str(error)}
    if isinstance(error, NeedsConfirmation):
        body["confirm"] = error.confirm
    return JSONResponse(body, error.http_status, headers=dict(error.headers))


def page_refusal(error: ZoomError) -> tuple[dict[str, Any], int, dict[str, str]]:
    """(error.html's context, the status, headers) for a page that refused."""
    title = error.title if isinstance(error, Refusal) else "This did not work"
    headers = PRIVATE if isinstance(error, Refusal) else {}
    return {"title": title, "message": str(error)}, error.http_status, dict(headers)
