"""Every error the v1 API reports, as data: a code and a message template per class.

    ZoomError                      HTTP 200 unless a class says otherwise
    ├── MissingParameter           300 "<name> is required."
    ├── InvalidParameter           300 "Invalid parameter: <name>. <reason>"
    ├── MissingCredentials         300
    ├── InvalidCredentials         200
    ├── WebinarNotEnabled          200
    ├── UserNotExist               1001
    ├── ManualApprovalRequired     2008
    ├── RegistrationNotRequired    3000
    ├── InvalidOccurrence          3000
    ├── WebinarNotFound            3001
    ├── WebinarNotEnded            3001
    ├── CapacityReached            3035
    ├── WebinarOver                3038
    ├── RateLimited                403, HTTP 429
    ├── InjectedError              code, message and status of a sandbox fault rule
    ├── ManagementError            /podium/api only; the HTTP status is the code
    │   ├── AdminTokenRequired     401
    │   ├── ManagementDisabled     403
    │   ├── SandboxOnly            403
    │   ├── NotFound               404
    │   └── Conflict               409
    └── TransportError             HTTP 404 / 405 / 413 / 500: refused before any action ran
        ├── UnknownAction
        ├── MethodNotAllowed
        ├── BodyTooLarge
        ├── UnsupportedContentType (HTTP 200, code 300: the client's fault, v1-style)
        ├── StorageUnavailable     HTTP 503 + Retry-After: the database is unavailable
        └── InternalError

`api/envelope.py` alone turns one of these into a response body and status.
"""

from __future__ import annotations

from typing import ClassVar


class ZoomError(Exception):
    """Base for every error the v1 API reports; subclasses set code and message."""

    code: ClassVar[int]
    message: ClassVar[str]
    status: ClassVar[int] = 200  # v1 reports errors inside an HTTP 200

    def __init__(self, **context: object) -> None:
        self.context = context
        super().__init__(self.message.format(**context))

    @property
    def headers(self) -> dict[str, str]:
        """Extra HTTP headers of the answer."""
        return {}


class MissingParameter(ZoomError):
    code, message = 300, "{name} is required."


class InvalidParameter(ZoomError):
    code, message = 300, "Invalid parameter: {name}. {reason}"


class MissingCredentials(ZoomError):
    code, message = 300, "Api key and secret are required."


class InvalidCredentials(ZoomError):
    code, message = 200, "Invalid api key or secret"


class WebinarNotEnabled(ZoomError):
    code = 200
    message = "Cannot use webinar API, you need to enable webinar for this user: {host_id}"


class UserNotExist(ZoomError):
    code, message = 1001, "User not exist: {host_id}"


class ManualApprovalRequired(ZoomError):
    code, message = 2008, "Webinar does not require manual approval of registrants: {webinar_id}"


class RegistrationNotRequired(ZoomError):
    code, message = 3000, "This Webinar has not registration required: {webinar_id}"


class InvalidOccurrence(ZoomError):
    code, message = 3000, "Invalid occurrence_id: {value}"


class WebinarNotFound(ZoomError):
    code, message = 3001, "Webinar {webinar_id} not found or expired."


class WebinarNotEnded(ZoomError):
    code, message = 3001, "Webinar ID is invalid or not end."


class CapacityReached(ZoomError):
    code, message = 3035, "Webinar has reached maximum attendee capacity."


class WebinarOver(ZoomError):
    code, message = 3038, "Webinar is over, you can not register now."


class RateLimited(ZoomError):
    code = 403
    message = "Sorry, the maximum number of api requests are already reached. Please try later."
    status = 429

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.context["retry_after"])}


class InjectedError(ZoomError):
    """A fault the sandbox was told to inject: the rule gives code, message and status."""

    code, message = 0, "{message}"

    def __init__(self, *, code: int, message: str, status: int) -> None:
        super().__init__(message=message)
        self.code = code  # type: ignore[misc]
        self.status = status  # type: ignore[misc]


class ManagementError(ZoomError):
    """Refusals of the management API (/podium/api), whose HTTP status is the code."""


class AdminTokenRequired(ManagementError):
    code = status = 401
    message = "Send the management token: 'Authorization: Bearer <PODIUM_ADMIN_TOKEN>'."

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="podium"'}


class ManagementDisabled(ManagementError):
    code = status = 403
    message = (
        "The management API is off: set PODIUM_ADMIN_TOKEN, or run 'podium serve --sandbox' "
        "and call it from this machine."
    )


class SandboxOnly(ManagementError):
    code = status = 403
    message = "{what} needs a sandbox server: 'podium serve --sandbox'."


class NotFound(ManagementError):
    code = status = 404
    message = "No {what} {key}."


class Conflict(ManagementError):
    code = status = 409
    message = "{reason}"


class TransportError(ZoomError):
    """The request was refused before any action ran; the HTTP status says why."""


class UnknownAction(TransportError):
    code, message, status = 404, "Unknown API endpoint: {path}", 404


class MethodNotAllowed(TransportError):
    code, message, status = 405, "Method {method} is not allowed: v1 calls are POST.", 405

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": "POST"}


class BodyTooLarge(TransportError):
    code, message, status = 413, "Request body is larger than {limit} bytes.", 413


class UnsupportedContentType(TransportError):
    code = 300
    message = (
        "Invalid parameter: Content-Type. Send application/x-www-form-urlencoded "
        "or multipart/form-data, not {content_type}."
    )


class MalformedBody(TransportError):
    code, message = 300, "Invalid parameter: body. {reason}"


class StorageUnavailable(TransportError):
    """The database cannot serve now (disk full, file-size limit, PostgreSQL down or
    restarting): nothing was changed; try again later."""

    code, status = 503, 503
    message = "The database is unavailable right now; nothing was changed. Try again later."

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "30"}


class InternalError(TransportError):
    code, message, status = 500, "Internal server error.", 500
