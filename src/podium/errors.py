"""Every error Podium reports, as data: a code, a message template and the HTTP status each
surface gives it, per class. Five renderers turn them into answers, one per surface:
`api/envelope.py` (v1: the envelope, HTTP `status`, 200 for most), `web/errors.py` (the JSON
surfaces — management API, live actions — and the HTML pages: HTTP `http_status`) and
`api/v2/errors.py` (v2: `{"code", "message"[, "errors"]}`, HTTP `v2_status`, else
`http_status`; `v2_code` and `v2_message` where the v2 dialect says it otherwise; the
token endpoint's `{"reason", "error"}`).

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
    ├── ValidationFailed           300, HTTP 400 (v2: a body or query its model refused)
    ├── RegistrantNotFound         3000, HTTP 404
    ├── PanelistNotFound           3000, HTTP 404
    ├── PollNotFound               3000, HTTP 404
    ├── PageTokenInvalid           300 next_page_token invalid or expired
    ├── BatchNotAllowed            300 batch registration of a webinar that is not type 5
    ├── AccessTokenRefused         124, HTTP 401 (v2 bearer tokens)
    │   ├── AccessTokenInvalid     missing or unknown
    │   ├── AccessTokenExpired
    │   └── AccessTokenInQuery
    ├── OAuthRefused               POST /oauth/token: HTTP 400 {"reason", "error"}
    │   ├── InvalidClient
    │   ├── UnsupportedGrantType
    │   └── InvalidAccountId
    ├── ApiRateLimited             429, HTTP 429 (v2: Zoom's per-second limits, opt-in)
    ├── GuessingThrottled          429, HTTP 429 (an address that keeps sending bad tokens)
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
    │   ├── FormExpired            403 a page's form without its CSRF field, or from elsewhere
    │   ├── PassInvalid            403 a live pass that is not ours, or expired
    │   ├── RoleNotAllowed         403
    │   ├── LiveWebinarMissing     404
    │   ├── UnknownLiveAction      404
    │   ├── WebinarNotRunning      409
    │   ├── LiveBodyInvalid        400
    │   ├── NeedsConfirmation      409 refused until confirmed (`confirm`: the flag to send)
    │   │   ├── StartsLater        going live before the scheduled start
    │   │   └── SessionOver        going live again after the end (a new session)
    │   ├── PollIsClosed           409
    │   ├── OwnQuestion            409 upvoting one's own question
    │   ├── SignInThrottled        429 too many failed sign-ins for an e-mail or from an address
    │   └── RegistrationClosed     410 a registration page that takes no registration now
    │       ├── WebinarHasEnded    410
    │       ├── WebinarIsOver      410 its scheduled time has passed
    │       ├── WebinarIsFull      409
    │       └── NoRegistrationNeeded 410
    └── TransportError             HTTP 404 / 405 / 413 / 500: refused before any action ran
        ├── UnknownAction
        ├── MethodNotAllowed
        ├── BodyTooLarge
        ├── UnsupportedContentType (HTTP 200, code 300: the client's fault, v1-style; v2 415)
        ├── InvalidJson            v2: a body that is not a JSON object
        ├── MethodNotAllowedHere   v2: 405 with the path's methods in Allow
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
    # The v2 dialect (api/v2/errors.py), where it differs: None means code, message and
    # http_status above.
    v2_code: ClassVar[int | None] = None
    v2_message: ClassVar[str | None] = None
    v2_status: ClassVar[int | None] = None

    def __init__(self, **context: object) -> None:
        self.context = context
        super().__init__(self.message.format(**context))

    @property
    def headers(self) -> dict[str, str]:
        """Extra HTTP headers of the answer."""
        return {}


VALIDATION_FAILED = "Validation Failed."


class MissingParameter(ZoomError):
    code, message = 300, "{name} is required."
    v2_message = VALIDATION_FAILED  # v2 names the field in "errors"


class InvalidParameter(ZoomError):
    code, message = 300, "Invalid parameter: {name}. {reason}"
    v2_message = VALIDATION_FAILED


class MissingCredentials(ZoomError):
    code, message = 300, "Api key and secret are required."


class InvalidCredentials(ZoomError):
    code, message, http_status = 200, "Invalid api key or secret", 401


class WebinarNotEnabled(ZoomError):
    code = 200
    message = "Cannot use webinar API, you need to enable webinar for this user: {host_id}"
    v2_message = (
        "Webinar plan is missing. You must subscribe to the webinar plan and enable webinars "
        "for this user: {host_id}."
    )


class UserNotExist(ZoomError):
    code, message, http_status = 1001, "User not exist: {host_id}", 404
    v2_message = "User does not exist: {host_id}."


class ManualApprovalRequired(ZoomError):
    code, message = 2008, "Webinar does not require manual approval of registrants: {webinar_id}"


class RegistrationNotRequired(ZoomError):
    code, message = 3000, "This Webinar has not registration required: {webinar_id}"
    v2_message = "This webinar does not have registration as required: {webinar_id}."


class InvalidOccurrence(ZoomError):
    code, message = 3000, "Invalid occurrence_id: {value}"
    v2_code, v2_message = 300, "Invalid occurrence ID: {value}."


class WebinarNotFound(ZoomError):
    code, message, http_status = 3001, "Webinar {webinar_id} not found or expired.", 404
    v2_message = "Webinar does not exist: {webinar_id}."


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
    """A fault the sandbox was told to inject: the rule gives code, message and status
    (v2: the rule's HTTP status, 400 when it gives none)."""

    code, message = 0, "{message}"

    def __init__(
        self, *, code: int, message: str, status: int, v2_status: int | None = None
    ) -> None:
        super().__init__(message=message)
        self.code = code  # type: ignore[misc]
        self.status = self.http_status = status  # type: ignore[misc]
        self.v2_status = v2_status or 400  # type: ignore[misc]


class ValidationFailed(ZoomError):
    """A v2 request whose body or query its declared model refused; `errors` names each
    field: [{"field": "settings.approval_type", "message": "…"}]."""

    code, message = 300, VALIDATION_FAILED


class RegistrantNotFound(ZoomError):
    code, message, http_status = 3000, "Registrant {registrant_id} was not found.", 404


class PanelistNotFound(ZoomError):
    code, message, http_status = 3000, "Panelist {panelist_id} was not found.", 404


class PollNotFound(ZoomError):
    code, message, http_status = 3000, "Poll {poll_id} was not found.", 404


class PageTokenInvalid(ZoomError):
    code, message = 300, "The next page token is invalid or expired."


class BatchNotAllowed(ZoomError):
    code, message = 300, "Batch registration is only for webinars of type 5: {webinar_id}."


class AccessTokenRefused(ZoomError):
    """A v2 call whose bearer token does not let it in (Zoom's 401, code 124)."""

    code, http_status = 124, 401

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="podium"'}


class AccessTokenInvalid(AccessTokenRefused):
    message = "Invalid access token."


class AccessTokenExpired(AccessTokenRefused):
    message = "Access token is expired."


class AccessTokenInQuery(AccessTokenRefused):
    message = "Invalid access token, this access token is not supported as query parameter string."


class OAuthRefused(ZoomError):
    """POST /oauth/token refused: HTTP 400 {"reason": message, "error": oauth_error}."""

    oauth_error: ClassVar[str]


class InvalidClient(OAuthRefused):
    code, message, oauth_error = 4702, "Invalid client_id or client_secret", "invalid_client"


class UnsupportedGrantType(OAuthRefused):
    code, message, oauth_error = 4705, "unsupported grant type", "unsupported_grant_type"


class InvalidAccountId(OAuthRefused):
    code, message, oauth_error = 4700, "Invalid account_id: {account_id}", "invalid_request"


class ApiRateLimited(ZoomError):
    """Zoom's per-second limit of a rate-limit category (v2, opt-in)."""

    code = http_status = 429
    message = "You have reached the maximum per-second rate limit for this API. Try again later."

    @property
    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Category": str(self.context["category"]),
            "X-RateLimit-Type": "QPS",
            "X-RateLimit-Limit": str(self.context["limit"]),
            "X-RateLimit-Remaining": "0",
            "Retry-After": str(self.context["retry_after"]),
        }


class GuessingThrottled(ZoomError):
    """An address that sent too many unknown tokens or client credentials: every token
    check from it waits (HTTP 429) until its window has room again."""

    code = http_status = 429
    message = "Too many invalid credentials from this address. Try again later."

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.context["retry_after"])}


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


class FormExpired(Refusal):
    """A page's form without its CSRF field, or posted from another site."""

    code, message = (
        403,
        "This form expired or came from another site. Reload the page and try again.",
    )
    title = "This form expired"


class SignInThrottled(Refusal):
    """Too many failed sign-ins to the dashboard for one e-mail or from one address."""

    code, message = 429, "Too many failed sign-ins. Wait a few minutes and try again."
    title = "Too many attempts"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "900"}


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


class NeedsConfirmation(Refusal):
    """Refused until the person confirms: the live action is sent again with `confirm`
    (its name in the JSON body) set to true."""

    code = 409
    confirm: ClassVar[str]


class StartsLater(NeedsConfirmation):
    message = "This webinar is scheduled to start later: confirm to go live now."
    confirm = "early"


class SessionOver(NeedsConfirmation):
    message = "This webinar has ended: confirm to start a new session."
    confirm = "again"


class PollIsClosed(Refusal):
    code, message = 409, "This poll is closed."


class OwnQuestion(Refusal):
    code, message = 409, "You cannot upvote your own question."


class RegistrationClosed(Refusal):
    """The registration page of a webinar that takes no registration now; each subclass
    says why, in words a person understands."""

    code, message = 410, "This webinar takes no registrations now."
    title = "Registration is closed"


class WebinarHasEnded(RegistrationClosed):
    message = "The host has ended this webinar: it takes no more registrations."
    title = "This webinar has ended"


class WebinarIsOver(RegistrationClosed):
    message = "Its scheduled time has passed: it takes no more registrations."
    title = "This webinar is over"


class WebinarIsFull(RegistrationClosed):
    code, message = 409, "Every seat is taken: it takes no more registrations."
    title = "This webinar is full"


class NoRegistrationNeeded(RegistrationClosed):
    message = "Anyone with its join link can come in: there is nothing to register for."
    title = "No registration needed"


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
