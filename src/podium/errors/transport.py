"""Requests refused before any action ran: the HTTP status says why."""

from __future__ import annotations

from podium.errors.base import ZoomError


class TransportError(ZoomError):
    """The request was refused before any action ran; the HTTP status says why."""


class UnknownAction(TransportError):
    code, message, status = 404, "Unknown API endpoint: {path}", 404
    http_status = 404


class MethodNotAllowed(TransportError):
    code, message, status = 405, "Method {method} is not allowed: v1 calls are POST.", 405
    http_status = 405

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": "POST"}


class BodyTooLarge(TransportError):
    code, message, status = 413, "Request body is larger than {limit} bytes.", 413
    http_status = 413


class UnsupportedContentType(TransportError):
    code = 300
    message = (
        "Invalid parameter: Content-Type. Send application/x-www-form-urlencoded "
        "or multipart/form-data, not {content_type}."
    )
    v2_status = 415
    v2_message = "Unsupported Content-Type: send application/json, not {content_type}."


class InvalidJson(TransportError):
    code, message = 300, "Request Body should be a valid JSON object."


class MethodNotAllowedHere(TransportError):
    code = status = http_status = 405
    message = "Method {method} is not allowed here."

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": str(self.context["allow"])}


class MalformedBody(TransportError):
    code, message = 300, "Invalid parameter: body. {reason}"


class StorageUnavailable(TransportError):
    """The database cannot serve now (disk full, file-size limit, PostgreSQL down or
    restarting): nothing was changed; try again later."""

    code = status = http_status = 503
    message = "The database is unavailable right now; nothing was changed. Try again later."

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "30"}


class InternalError(TransportError):
    code, message, status = 500, "Internal server error.", 500
    http_status = 500
