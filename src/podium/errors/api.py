"""Errors of the APIs' own rules (v1 and v2): parameters, credentials, webinars, registrants,
tokens and limits."""

from __future__ import annotations

from typing import ClassVar

from podium.errors.base import VALIDATION_FAILED, ZoomError


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
