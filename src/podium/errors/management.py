"""Refusals of the management API (/podium/api), whose HTTP status is the code."""

from __future__ import annotations

from podium.errors.base import ZoomError


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
