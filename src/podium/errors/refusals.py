"""A person's page or live action refused, with a reason they can read."""

from __future__ import annotations

from typing import ClassVar

from podium.errors.base import ZoomError


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
