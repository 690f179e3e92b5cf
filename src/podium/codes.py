"""The named codes of webinars, registrants and sessions: declared once, used by both
dialects, the services, the templates and SQL (an IntEnum compares equal to its number and a
StrEnum to its text, so stored columns and wire values need no conversion).

Imports nothing of Podium's: every layer may use it.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class WebinarType(IntEnum):
    """What Zoom calls a webinar's `type`."""

    SCHEDULED = 5  # one session at a fixed time
    RECURRING_NO_FIXED_TIME = 6  # may run any time, any number of times
    RECURRING_FIXED_TIME = 9  # a series of occurrences from a recurrence rule


class ApprovalType(IntEnum):
    """How registrations are approved (`approval_type`)."""

    AUTOMATIC = 0
    MANUAL = 1
    NO_REGISTRATION = 2


class RegistrationType(IntEnum):
    """What one registration to a type 9 webinar covers (`registration_type`)."""

    ONCE_FOR_ALL = 1
    EACH_OCCURRENCE = 2
    CHOOSE_OCCURRENCES = 3

    @property
    def is_per_occurrence(self) -> bool:
        """Registrants name the occurrences they come to."""
        return self is not RegistrationType.ONCE_FOR_ALL


PER_OCCURRENCE = (RegistrationType.EACH_OCCURRENCE, RegistrationType.CHOOSE_OCCURRENCES)


class WebinarStatus(IntEnum):
    """A webinar's `status`: never started, a session running, ended."""

    WAITING = 0
    STARTED = 1
    ENDED = 2


class RegistrantStatus(StrEnum):
    """A registration's state. `denied` is the host's refusal (v2 `deny`)."""

    APPROVED = "approved"
    PENDING = "pending"
    CANCELLED = "cancelled"
    DENIED = "denied"

    @property
    def holds_seat(self) -> bool:
        return self in (RegistrantStatus.APPROVED, RegistrantStatus.PENDING)


class Role(StrEnum):
    """Who is in a live session."""

    HOST = "host"
    PANELIST = "panelist"
    ATTENDEE = "attendee"


EVERYONE: tuple[Role, ...] = (Role.HOST, Role.PANELIST, Role.ATTENDEE)
STAFF: tuple[Role, ...] = (Role.HOST, Role.PANELIST)


class DeliveryStatus(StrEnum):
    """An outbox item (e-mail, webhook): waiting, done, or given up."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class PollQuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"


# A registrant's free-text profile fields, then the three with fixed answers and the comments:
# together, the "standard questions" a registration form may ask (v1 attendees/list reports
# them; v2 sets which are asked and required).
PROFILE_TEXT_FIELDS = (
    "address",
    "city",
    "country",
    "zip",
    "state",
    "phone",
    "industry",
    "org",
    "job_title",
)
STANDARD_QUESTIONS = (
    *PROFILE_TEXT_FIELDS,
    "purchasing_time_frame",
    "role_in_purchase_process",
    "no_of_employees",
    "comments",
)

# The standard questions a registration form can ask (v2 `questions[].field_name`).
QUESTION_FIELDS = ("last_name", *STANDARD_QUESTIONS)


class CustomQuestionType(StrEnum):
    """A host's own registration question: free text, one choice, or several."""

    SHORT = "short"
    SINGLE_RADIO = "single_radio"
    SINGLE_DROPDOWN = "single_dropdown"
    MULTIPLE = "multiple"

    @property
    def has_answers(self) -> bool:
        return self is not CustomQuestionType.SHORT
