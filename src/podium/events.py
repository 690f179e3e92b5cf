"""What happened, as data: the domain events the services record on their unit of work.

A service that changes state records an event (`services.events.record`). When its work
returns, still inside the transaction, the durable consumers write what they owe to it
(e-mails to the mail outbox, notifications to the webhook outbox: committed together with the
change, or not at all). After the commit the live consumers (the live pages' hub) get the same
events. No consumer asks which endpoint was called: the event says what happened.

Events hold plain values (facts), never ORM objects: they outlive the transaction.

    WebinarCreated, WebinarUpdated (old values), WebinarDeleted (whole, or occurrences)
    WebinarStarted, WebinarEnded                       a session (instance) began or ended
    RegistrantCreated, RegistrantApproved, RegistrantDenied, RegistrantCancelled
    RegistrantLinkRequested                            the registration page, for a known e-mail
    PanelistAdded
    ParticipantJoined, ParticipantLeft                 a live connection opened or closed
    GreenRoomChanged                                   the host or a panelist came or went
    PollLaunched, PollAnswered, PollClosed, PollResultsShared,
    QuestionAsked, QuestionAnswered, QuestionUpvoted, QuestionDismissed, QuestionStarred
                                                       (live pages only)
    KeysRevoked                                        an account's key pairs were rotated

Imports nothing of Podium's but the codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from podium.codes import RegistrantStatus, Role


@dataclass(frozen=True, slots=True)
class OccurrenceFacts:
    occurrence_id: str  # Zoom's id: the start in epoch milliseconds
    start_at: datetime
    duration: int
    is_deleted: bool


@dataclass(frozen=True, slots=True)
class WebinarFacts:
    """A webinar as it stands after the change (its host with it)."""

    account_id: int
    seq: int
    id: int
    uuid: str
    host_id: str
    host_email: str
    topic: str
    agenda: str
    type: int
    status: int
    start_at: datetime | None
    duration: int
    timezone: str
    password: str
    approval_type: int
    registration_type: int
    language: str
    calendar_sequence: int
    recurrence: str | None  # canonical JSON of the v1 recurrence object
    option_audio: str
    option_host_video: bool
    option_panelist_video: bool
    option_practice_session: bool
    option_enforce_login: bool
    option_alternative_hosts: str
    option_auto_record_type: str
    occurrences: tuple[OccurrenceFacts, ...] = ()

    @property
    def available_occurrences(self) -> tuple[OccurrenceFacts, ...]:
        return tuple(o for o in self.occurrences if not o.is_deleted)


@dataclass(frozen=True, slots=True)
class RegistrantFacts:
    pk: int
    registrant_id: str
    email: str
    first_name: str
    last_name: str
    status: RegistrantStatus
    token_nonce: str  # the personal link is derived from it with the instance key
    token_digest: str  # … with the key whose token has this digest (after a key rotation)
    language: str
    created_at: datetime
    profile: Mapping[str, str] = field(default_factory=dict)  # address, city, … (non-empty)
    custom_questions: str = "[]"  # canonical JSON: [{"title", "value"}]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class PanelistFacts:
    pk: int
    name: str
    email: str
    token_nonce: str
    token_digest: str


@dataclass(frozen=True, slots=True)
class ParticipantFacts:
    """Someone in a live session: an attendee (registrant or walk-in), panelist or host."""

    role: Role
    name: str
    email: str
    registrant_id: str | None  # the public id, for registrants
    attendance_id: int  # the join's row: a re-join is another row


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    at: datetime  # when it happened, on the server clock


@dataclass(frozen=True, slots=True, kw_only=True)
class KeysRevoked(Event):
    """Every earlier API key pair of the account stopped working (a rotation), and with
    them the v2 access tokens they obtained."""

    account_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WebinarEvent(Event):
    webinar: WebinarFacts

    @property
    def webinar_id(self) -> int:
        return self.webinar.id


@dataclass(frozen=True, slots=True, kw_only=True)
class WebinarCreated(WebinarEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class WebinarUpdated(WebinarEvent):
    """`old`: each changed setting's value before the change (WebinarFacts names)."""

    old: Mapping[str, object]
    schedule_changed: bool  # a start, duration, time zone, type or recurrence changed


@dataclass(frozen=True, slots=True, kw_only=True)
class WebinarDeleted(WebinarEvent):
    """The whole webinar, or (`occurrence_ids`) only those occurrences of a series."""

    occurrence_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WebinarStarted(WebinarEvent):
    instance_uuid: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WebinarEnded(WebinarEvent):
    instance_uuid: str | None  # None: ended without a session having run
    started_at: datetime | None = None  # when that session started


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantEvent(WebinarEvent):
    registrant: RegistrantFacts


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantCreated(RegistrantEvent):
    """A new registration, or a cancelled one that came back."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantApproved(RegistrantEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantDenied(RegistrantEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantCancelled(RegistrantEvent):
    """By the host or by the registrant (Zoom does not tell them apart either)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrantLinkRequested(RegistrantEvent):
    """Someone registered again with this registrant's e-mail on the registration page: the
    page shows no link, the registrant gets it (again) by e-mail."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PanelistAdded(WebinarEvent):
    panelist: PanelistFacts


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantJoined(WebinarEvent):
    instance_uuid: str
    participant: ParticipantFacts
    started_at: datetime | None = None  # when the session started


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantLeft(WebinarEvent):
    instance_uuid: str
    participant: ParticipantFacts
    started_at: datetime | None = None  # when the session started


@dataclass(frozen=True, slots=True, kw_only=True)
class GreenRoomChanged(Event):
    """The host or a panelist opened or closed a live page (the green room's list)."""

    webinar_id: int
    webinar_seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveEvent(Event):
    """Only the live pages hear these; `instance_id` is the running session's row."""

    webinar_id: int
    instance_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PollLaunched(LiveEvent):
    poll_id: int
    title: str
    questions: tuple[Mapping[str, object], ...]  # [{"name", "type", "answers"}]


@dataclass(frozen=True, slots=True, kw_only=True)
class PollAnswered(LiveEvent):
    poll_id: int
    email: str
    answers: Mapping[str, tuple[str, ...]]  # question → the answers chosen


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionAsked(LiveEvent):
    question_id: int
    name: str
    question: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PollClosed(LiveEvent):
    poll_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PollResultsShared(LiveEvent):
    poll_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionAnswered(LiveEvent):
    question_id: int
    question: str
    answer: str
    private: bool = False  # only the person who asked (and the staff) hear the answer
    asker_email: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionUpvoted(LiveEvent):
    question_id: int
    upvotes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionDismissed(LiveEvent):
    question_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionStarred(LiveEvent):
    question_id: int
    starred: bool
