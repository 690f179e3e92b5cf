"""What v2 requests may carry: pydantic models of every query and JSON body. The same
classes validate the requests (api/v2/requests.py) and make the OpenAPI document
(api/v2/openapi.py), so the document cannot say what the server does not check.

Bodies are strict (JSON types as declared: no "5" for 5) and queries lax (a query is text:
"5" is 5, "True" and "false" are booleans). Unknown fields and parameters are ignored, as
Zoom ignores them (published clients send `id` and `user_id` along). Code lists come from
where Podium declares them once (podium.codes, the v1 parameter readers, the services).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    model_validator,
)
from pydantic_core import core_schema

from podium.api.params import known_timezones
from podium.api.registrant_params import (
    EMPLOYEE_COUNTS,
    MAX_CUSTOM_QUESTIONS,
    PURCHASE_ROLES,
    PURCHASING_TIME_FRAMES,
)
from podium.api.webinar_params import (
    AUDIO_OPTIONS,
    LANGUAGES,
    MAX_DURATION,
    RECORD_OPTIONS,
    valid_email,
)
from podium.codes import (
    QUESTION_FIELDS,
    ApprovalType,
    CustomQuestionType,
    PollQuestionType,
    RegistrationType,
    WebinarType,
)
from podium.errors import InvalidParameter
from podium.recurrence import MAX_INTERVAL, MAX_OCCURRENCES
from podium.services.panelists import MAX_PANELISTS
from podium.services.polls import MAX_ANSWERS, MAX_QUESTIONS
from podium.services.questions import MAX_ANSWERS as MAX_CHOICES
from podium.services.questions import MAX_CUSTOM_QUESTIONS as MAX_FORM_QUESTIONS

MAX_PAGE_SIZE = 300
MAX_BATCH = 30  # registrants of one batch, of one status change; panelists of one call
# Zoom's add-registrant body spells two employee counts its own way; both are kept as sent.
ZOOM_EMPLOYEE_COUNTS = ("101-500", "500-1,000")
NO_CONTROLS = r"^[^\x00-\x1f\x7f]*$"
NO_CONTROLS_MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class OneOf:
    """A string that is one of `values` (validated, and an `enum` in the schema)."""

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values

    def __get_pydantic_core_schema__(
        self, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.values))


def _email(value: str) -> str:
    try:
        return valid_email(value.strip(), "email")
    except InvalidParameter as error:
        raise ValueError(str(error.context["reason"])) from None


def _timezone(value: str) -> str:
    if value not in known_timezones():
        raise ValueError("It must be an IANA time zone name, such as America/New_York.")
    return value


def _text(max_length: int, *, multiline: bool = False, min_length: int = 0) -> Any:
    return Field(
        min_length=min_length,
        max_length=max_length,
        pattern=NO_CONTROLS_MULTILINE if multiline else NO_CONTROLS,
    )


Email = Annotated[str, Field(max_length=320, examples=["ann@example.com"]), AfterValidator(_email)]
Name = Annotated[str, _text(64, min_length=1)]
ShortText = Annotated[str, _text(300)]
LongText = Annotated[str, _text(2000, multiline=True)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_timezone)]
# UTC with Z (or an offset), or local time in the webinar's `timezone` without one.
Timestamp = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$",
        examples=["2030-01-15T15:00:00Z"],
    ),
]
OccurrenceId = Annotated[str, Field(pattern=r"^\d{1,16}$", examples=["1893430800000"])]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
PageToken = Annotated[str, Field(max_length=200, pattern=r"^[A-Za-z0-9_.-]*$")]


# Validators are built on first use, not at import: a server starts (and restarts) faster.
class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, defer_build=True)


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


# -- queries ---------------------------------------------------------------------------------


class ListWebinarsQuery(Query):
    type: Literal["scheduled", "upcoming"] = "scheduled"
    page_size: PageSize = 30
    page_number: int = Field(1, ge=1, le=10**6)
    next_page_token: PageToken | None = None


class GetWebinarQuery(Query):
    occurrence_id: OccurrenceId | None = None
    show_previous_occurrences: bool = False


class OccurrenceQuery(Query):
    occurrence_id: OccurrenceId | None = None


class DeleteWebinarQuery(Query):
    occurrence_id: OccurrenceId | None = None
    cancel_webinar_reminder: bool = False


class RegistrantsQuery(Query):
    status: Literal["approved", "pending", "denied"] = "approved"
    occurrence_id: OccurrenceId | None = None
    page_size: PageSize = 30
    page_number: int = Field(1, ge=1, le=10**6)
    next_page_token: PageToken | None = None


class AddRegistrantQuery(Query):
    occurrence_ids: Annotated[str, Field(pattern=r"^\d{1,16}(,\d{1,16}){0,49}$")] | None = None


class PollsQuery(Query):
    anonymous: bool | None = None


class TokenPagingQuery(Query):
    page_size: PageSize = 30
    next_page_token: PageToken | None = None


class AbsenteesQuery(TokenPagingQuery):
    occurrence_id: OccurrenceId | None = None


class ReportParticipantsQuery(TokenPagingQuery):
    include_fields: Literal["registrant_id"] | None = None


# -- webinars --------------------------------------------------------------------------------


class RecurrenceBody(Body):
    """Type 9 only. Days are 1 (Sunday) to 7 (Saturday)."""

    type: Literal[1, 2, 3] = Field(description="1 daily, 2 weekly, 3 monthly.")
    repeat_interval: int | None = Field(None, ge=1, le=max(MAX_INTERVAL.values()))
    weekly_days: Annotated[str, Field(pattern=r"^[1-7](,[1-7]){0,6}$")] | None = None
    monthly_day: int | None = Field(None, ge=1, le=31)
    monthly_week: Literal[-1, 1, 2, 3, 4] | None = None
    monthly_week_day: int | None = Field(None, ge=1, le=7)
    end_times: int | None = Field(None, ge=1, le=MAX_OCCURRENCES)
    end_date_time: Timestamp | None = None


class WebinarSettingsBody(Body):
    approval_type: ApprovalType | None = None
    registration_type: RegistrationType | None = None
    audio: Annotated[str, OneOf(AUDIO_OPTIONS)] | None = None
    auto_recording: Annotated[str, OneOf(RECORD_OPTIONS)] | None = None
    host_video: bool | None = None
    panelists_video: bool | None = None
    practice_session: bool | None = None
    enforce_login: bool | None = None
    enforce_login_domains: Annotated[str, _text(1000)] | None = None
    alternative_hosts: Annotated[str, _text(1000)] | None = None
    email_language: Annotated[str, OneOf(LANGUAGES)] | None = None
    notify_registrants: bool | None = None  # Podium always writes the e-mails a change needs


class WebinarBody(Body):
    """POST /users/{userId}/webinars and PATCH /webinars/{webinarId} (where every field is
    optional). `start_time` without a zone is local time in `timezone`."""

    topic: Annotated[str, _text(200, min_length=1)] | None = None
    type: WebinarType | None = None
    start_time: Timestamp | None = None
    duration: int | None = Field(None, ge=0, le=MAX_DURATION)
    timezone: TimeZone | None = None
    agenda: Annotated[str, _text(2000, multiline=True)] | None = None
    password: Annotated[str, Field(pattern=r"^[a-zA-Z0-9@\-_*]{1,10}$")] | None = None
    recurrence: RecurrenceBody | None = None
    settings: WebinarSettingsBody | None = None


class WebinarStatusBody(Body):
    """{"action": "end"}; {"status": "end"} (what zoomus 1.2.1 sends) means the same."""

    action: Literal["end"] | None = None
    status: Literal["end"] | None = None

    @model_validator(mode="after")
    def _says_end(self) -> WebinarStatusBody:
        if self.action is None and self.status is None:
            raise ValueError('Send {"action": "end"}.')
        return self


# -- registrants -----------------------------------------------------------------------------


class CustomAnswerBody(Body):
    title: Annotated[str, _text(300, min_length=1)]
    value: Annotated[str, _text(2000)]


class RegistrantBody(Body):
    email: Email
    first_name: Name
    last_name: Annotated[str, _text(64)] = ""
    address: ShortText = ""
    city: ShortText = ""
    state: ShortText = ""
    zip: ShortText = ""
    country: ShortText = ""
    phone: ShortText = ""
    industry: ShortText = ""
    org: ShortText = ""
    job_title: ShortText = ""
    purchasing_time_frame: Annotated[str, OneOf(("", *PURCHASING_TIME_FRAMES))] = ""
    role_in_purchase_process: Annotated[str, OneOf(("", *PURCHASE_ROLES))] = ""
    no_of_employees: Annotated[str, OneOf(("", *EMPLOYEE_COUNTS, *ZOOM_EMPLOYEE_COUNTS))] = ""
    comments: LongText = ""
    custom_questions: list[CustomAnswerBody] = Field(
        default_factory=list, max_length=MAX_CUSTOM_QUESTIONS
    )
    language: Annotated[str, OneOf(("", *LANGUAGES))] = ""
    # zoomus 1.2.1 sends every argument in the body: its occurrence_ids arrive here.
    occurrence_ids: Annotated[str, Field(pattern=r"^\d{1,16}(,\d{1,16}){0,49}$")] | None = None


class RegistrantRef(Body):
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=NO_CONTROLS)] | None = None
    email: Annotated[str, Field(min_length=1, max_length=320, pattern=NO_CONTROLS)] | None = None

    @model_validator(mode="after")
    def _names_someone(self) -> RegistrantRef:
        if self.id is None and self.email is None:
            raise ValueError("Give the registrant's id or email.")
        return self


class RegistrantStatusBody(Body):
    action: Literal["approve", "deny", "cancel"]
    registrants: list[RegistrantRef] = Field(min_length=1, max_length=MAX_BATCH)


class BatchRegistrant(Body):
    email: Email
    first_name: Name
    last_name: Annotated[str, _text(64)] = ""


class BatchBody(Body):
    auto_approve: bool = False
    registrants: list[BatchRegistrant] = Field(min_length=1, max_length=MAX_BATCH)


class StandardQuestionBody(Body):
    field_name: Annotated[str, OneOf(QUESTION_FIELDS)]
    required: bool = False


class CustomQuestionBody(Body):
    title: Annotated[str, _text(300, min_length=1)]
    type: CustomQuestionType
    required: bool = False
    answers: list[Annotated[str, _text(300, min_length=1)]] = Field(
        default_factory=list, max_length=MAX_CHOICES
    )


class QuestionsBody(Body):
    """The registration form: which standard fields are asked (and required), and the
    host's own questions. A list left out stays as it is."""

    questions: list[StandardQuestionBody] | None = Field(None, max_length=len(QUESTION_FIELDS))
    custom_questions: list[CustomQuestionBody] | None = Field(None, max_length=MAX_FORM_QUESTIONS)


# -- panelists and polls ---------------------------------------------------------------------


class PanelistBody(Body):
    name: Annotated[str, _text(300, min_length=1)]
    email: Email


class PanelistsBody(Body):
    panelists: list[PanelistBody] = Field(min_length=1, max_length=min(MAX_BATCH, MAX_PANELISTS))


class PollQuestionBody(Body):
    name: Annotated[str, _text(255, min_length=1)]
    type: PollQuestionType = PollQuestionType.SINGLE
    answers: list[Annotated[str, _text(300, min_length=1)]] = Field(
        min_length=2, max_length=MAX_ANSWERS
    )
    answer_required: bool = False


class PollBody(Body):
    """A poll (poll_type 1: single and multiple choice questions)."""

    title: Annotated[str, _text(64, min_length=1)]
    anonymous: bool = False
    poll_type: Literal[1] = 1
    questions: list[PollQuestionBody] = Field(min_length=1, max_length=MAX_QUESTIONS)
