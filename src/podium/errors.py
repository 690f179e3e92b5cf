"""Every error Podium reports, as data: a code, a message template and the HTTP status each
surface gives it, per class. Four renderers turn them into answers, one per surface:
`api/envelope.py` (v1: the envelope, HTTP `status`, 200 for most), `web/errors.py` (the JSON
surfaces — management API, live actions — and the HTML pages: HTTP `http_status`).

    ZoomError                      v1: HTTP 200 unless a class says otherwise; else 400
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
    │   ├── Conflict               409
    │   │   └── KeyInUse           409 another account has this api_key
    │   ├── WebhookUrlRefused      400 a webhook URL Podium will not call (scheme, address kind)
    │   └── WebhookNotValidated    422 the endpoint failed URL validation (what it answered)
    ├── Refusal                    a person's page or live action refused; HTTP status = code
    │   ├── LinkRefused            403 a start, personal or join link that does not open
    │   ├── PassInvalid            403 a live pass that is not ours, or expired
    │   ├── RoleNotAllowed         403
    │   ├── LiveWebinarMissing     404
    │   ├── UnknownLiveAction      404
    │   ├── WebinarNotRunning      409
    │   └── LiveBodyInvalid        400
    └── TransportError             HTTP 404 / 405 / 413 / 500: refused before any action ran
        ├── UnknownAction
        ├── MethodNotAllowed
        ├── BodyTooLarge
        ├── UnsupportedContentType (HTTP 200, code 300: the client's fault, v1-style)
        ├── StorageUnavailable     HTTP 503 + Retry-After: the database is unavailable
        └── InternalError

Nothing else picks a status: handlers raise, and their surface's renderer answers.
"""

from __future__ import annotations

from typing import ClassVar


class ZoomError(Exception):
    """Base for every error the v1 API reports; subclasses set code and message."""

    code: ClassVar[int]
    message: ClassVar[str]
    status: ClassVar[int] = 200  # v1 reports errors inside an HTTP 200
    http_status: ClassVar[int] = 400  # REST-style surfaces: JSON APIs and pages

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
    code, message, http_status = 200, "Invalid api key or secret", 401


class WebinarNotEnabled(ZoomError):
    code = 200
    message = "Cannot use webinar API, you need to enable webinar for this user: {host_id}"


class UserNotExist(ZoomError):
    code, message, http_status = 1001, "User not exist: {host_id}", 404


class ManualApprovalRequired(ZoomError):
    code, message = 2008, "Webinar does not require manual approval of registrants: {webinar_id}"


class RegistrationNotRequired(ZoomError):
    code, message = 3000, "This Webinar has not registration required: {webinar_id}"


class InvalidOccurrence(ZoomError):
    code, message = 3000, "Invalid occurrence_id: {value}"


class WebinarNotFound(ZoomError):
    code, message, http_status = 3001, "Webinar {webinar_id} not found or expired.", 404


class WebinarNotEnded(ZoomError):
    code, message, http_status = 3001, "Webinar ID is invalid or not end.", 404


class CapacityReached(ZoomError):
    code, message = 3035, "Webinar has reached maximum attendee capacity."


class WebinarOver(ZoomError):
    code, message = 3038, "Webinar is over, you can not register now."


class RateLimited(ZoomError):
    code = 403
    message = "Sorry, the maximum number of api requests are already reached. Please try later."
    status = http_status = 429

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.context["retry_after"])}


class InjectedError(ZoomError):
    """A fault the sandbox was told to inject: the rule gives code, message and status."""

    code, message = 0, "{message}"

    def __init__(self, *, code: int, message: str, status: int) -> None:
        super().__init__(message=message)
        self.code = code  # type: ignore[misc]
        self.status = self.http_status = status  # type: ignore[misc]


class ManagementError(ZoomError):
    """Refusals of the management API (/podium/api), whose HTTP status is the code."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.status = cls.http_status = cls.code


class AdminTokenRequired(ManagementError):
    code = 401
    message = "Send the management token: 'Authorization: Bearer <PODIUM_ADMIN_TOKEN>'."

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="podium"'}


class ManagementDisabled(ManagementError):
    code = 403
    message = (
        "The management API is off: set PODIUM_ADMIN_TOKEN, or run 'podium serve --sandbox' "
        "and call it from this machine."
    )


class SandboxOnly(ManagementError):
    code = 403
    message = "{what} needs a sandbox server: 'podium serve --sandbox'."


class NotFound(ManagementError):
    code = 404
    message = "No {what} {key}."


class Conflict(ManagementError):
    code = 409
    message = "{reason}"


class KeyInUse(Conflict):
    """Another account already has this API key (a sandbox's fixed key pairs)."""

    message = "Another account has the api_key {api_key}."


class WebhookUrlRefused(ManagementError):
    """A webhook URL Podium will not send to: not http(s), or an address of a kind that is
    not allowed (loopback, private, link-local, metadata) outside a sandbox."""

    code = 400
    message = "Webhook URL refused: {reason}"


class WebhookNotValidated(ManagementError):
    """The endpoint did not answer the `endpoint.url_validation` challenge as Zoom expects."""

    code = 422
    message = "The endpoint did not pass URL validation: {reason}"


class Refusal(ZoomError):
    """A person's page or live action refused, with a reason they can read; the HTTP status
    is the code. The v1 API never raises these."""

    title: ClassVar[str] = "This did not work"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.status = cls.http_status = cls.code

    @property
    def reason(self) -> str:
        return str(self)


class LinkRefused(Refusal):
    """A start, personal or join link that does not open the webinar (or a walk-in's
    details that do not let them in)."""

    code, message = 403, "{reason}"
    title = "This link does not open the webinar"

    def __init__(self, reason: str) -> None:
        super().__init__(reason=reason)


class PassInvalid(Refusal):
    code, message = 403, "This pass is not valid."


class RoleNotAllowed(Refusal):
    code, message = 403, "Not allowed for your role."


class LiveWebinarMissing(Refusal):
    code, message = 404, "This webinar does not exist."


class UnknownLiveAction(Refusal):
    code, message = 404, "Unknown live action."


class WebinarNotRunning(Refusal):
    code, message = 409, "The webinar is not running."


class LiveBodyInvalid(Refusal):
    code, message = 400, "{reason}"


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
