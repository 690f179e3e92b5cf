"""What v2 answers carry: pydantic models of every success and error body, for the OpenAPI
document. The shapes (api/v2/shapes.py) build plain dicts; tests/http/v2 validates every
answer they give against these models (strict, no extra keys), so the two cannot drift."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from podium.codes import (
    ApprovalType,
    CustomQuestionType,
    PollQuestionType,
    RegistrationType,
    WebinarType,
)

RegistrantState = Literal["approved", "pending", "denied"]


class Answer(BaseModel):
    # Built on first use, not at import: a server starts (and restarts) faster.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class FieldError(Answer):
    field: str
    message: str


class ErrorAnswer(Answer):
    """Every v2 error: Zoom's code and message; `errors` names the fields refused."""

    code: int
    message: str
    errors: list[FieldError] | None = None


class TokenAnswer(Answer):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    scope: str
    api_url: str


class TokenError(Answer):
    reason: str
    error: str


class Paging(Answer):
    page_count: int
    page_size: int
    total_records: int
    next_page_token: str


class NumberedPaging(Paging):
    page_number: int


class Occurrence(Answer):
    occurrence_id: str
    start_time: str
    duration: int
    status: Literal["available", "deleted"]


class Recurrence(Answer):
    type: Literal[1, 2, 3]
    repeat_interval: int
    weekly_days: str | None = None
    monthly_day: int | None = None
    monthly_week: int | None = None
    monthly_week_day: int | None = None
    end_times: int | None = None
    end_date_time: str | None = None


class WebinarSettings(Answer):
    approval_type: ApprovalType
    registration_type: RegistrationType
    audio: str
    auto_recording: str
    host_video: bool
    panelists_video: bool
    practice_session: bool
    enforce_login: bool
    enforce_login_domains: str
    alternative_hosts: str
    email_language: str
    registrants_confirmation_email: bool
    registrants_email_notification: bool


class Webinar(Answer):
    uuid: str
    id: int
    host_id: str
    host_email: str
    topic: str
    type: WebinarType
    start_time: str | None = None
    duration: int
    timezone: str
    agenda: str
    created_at: str
    start_url: str
    join_url: str
    registration_url: str | None = None
    password: str
    settings: WebinarSettings
    occurrences: list[Occurrence] | None = None
    recurrence: Recurrence | None = None
    is_simulive: bool
    creation_source: Literal["open_api"]


class WebinarItem(Answer):
    uuid: str
    id: int
    host_id: str
    topic: str
    type: WebinarType
    start_time: str | None = None
    duration: int
    timezone: str
    agenda: str
    created_at: str
    join_url: str
    is_simulive: bool


class WebinarList(NumberedPaging):
    webinars: list[WebinarItem]


class RegistrantAnswer(Answer):
    title: str
    value: str


class Registrant(Answer):
    id: str
    email: str
    first_name: str
    last_name: str
    address: str
    city: str
    country: str
    zip: str
    state: str
    phone: str
    industry: str
    org: str
    job_title: str
    purchasing_time_frame: str
    role_in_purchase_process: str
    no_of_employees: str
    comments: str
    custom_questions: list[RegistrantAnswer]
    status: RegistrantState
    create_time: str
    join_url: str
    language: str


class RegistrantList(NumberedPaging):
    registrants: list[Registrant]


class Absentees(Paging):
    registrants: list[Registrant]


class Registration(Answer):
    id: int
    registrant_id: str
    join_url: str
    topic: str
    start_time: str
    occurrences: list[Occurrence]


class BatchItem(Answer):
    email: str
    registrant_id: str
    join_url: str


class BatchAnswer(Answer):
    registrants: list[BatchItem]


class StandardQuestion(Answer):
    field_name: str
    required: bool


class CustomQuestion(Answer):
    title: str
    type: CustomQuestionType
    required: bool
    answers: list[str]


class Questions(Answer):
    questions: list[StandardQuestion]
    custom_questions: list[CustomQuestion]


class Panelist(Answer):
    id: str
    email: str
    name: str
    join_url: str
    virtual_background_id: str
    name_tag_id: str
    name_tag_name: str
    name_tag_pronouns: str
    name_tag_description: str


class Panelists(Answer):
    total_records: int
    panelists: list[Panelist]


class Updated(Answer):
    id: str
    updated_at: str


class PollQuestion(Answer):
    name: str
    type: PollQuestionType
    answer_required: bool
    answers: list[str]


class Poll(Answer):
    id: str
    status: Literal["notstart", "ended"]
    anonymous: bool
    poll_type: Literal[1]
    title: str
    questions: list[PollQuestion]


class Polls(Answer):
    total_records: int
    polls: list[Poll]


class Instance(Answer):
    uuid: str
    start_time: str


class Instances(Answer):
    webinars: list[Instance]


class Participant(Answer):
    id: str
    name: str
    user_id: str
    registrant_id: str
    user_email: str
    join_time: str
    leave_time: str
    duration: int = Field(description="Seconds.")
    failover: bool
    status: Literal["in_meeting"]
    internal_user: bool


class Participants(Paging):
    participants: list[Participant]


class ReportParticipant(Answer):
    id: str
    user_id: str
    name: str
    user_email: str
    join_time: str
    leave_time: str
    duration: int = Field(description="Seconds.")
    registrant_id: str | None = None
    failover: bool
    status: Literal["in_meeting"]
    customer_key: str


class ReportParticipants(Paging):
    participants: list[ReportParticipant]


class PollDetail(Answer):
    question: str
    answer: str
    polling_id: str
    date_time: str


class PollPerson(Answer):
    name: str
    email: str
    question_details: list[PollDetail]


class ReportPollPerson(PollPerson):
    first_name: str
    last_name: str


class PastPolls(Answer):
    id: int
    uuid: str
    start_time: str
    questions: list[PollPerson]


class ReportPolls(Answer):
    id: int
    uuid: str
    start_time: str
    questions: list[ReportPollPerson]


class QaDetail(Answer):
    question: str
    answer: str


class QaPerson(Answer):
    name: str
    email: str
    question_details: list[QaDetail]


class PastQa(Answer):
    id: int
    uuid: str
    start_time: str
    questions: list[QaPerson]


class ReportAnswerDetail(Answer):
    user_id: str
    name: str
    email: str
    content: str
    create_time: str
    type: Literal["default"]


class ReportQaDetail(Answer):
    question_id: str
    question: str
    answer: str
    create_time: str
    question_status: Literal["open", "answered"]
    answer_details: list[ReportAnswerDetail]


class ReportQaPerson(Answer):
    user_id: str
    name: str
    email: str
    question_details: list[ReportQaDetail]


class ReportQa(Answer):
    id: int
    uuid: str
    start_time: str
    questions: list[ReportQaPerson]


class ReportWebinar(Answer):
    id: int
    uuid: str
    type: WebinarType
    topic: str
    user_name: str
    user_email: str
    start_time: str
    end_time: str
    duration: int = Field(description="Minutes.")
    total_minutes: int
    participants_count: int
    dept: str
    tracking_fields: list[dict[str, str]]
    custom_keys: list[dict[str, str]]
