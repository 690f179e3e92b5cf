"""OPERATIONS, the one list of v2 endpoints: method, path, handler, the models of query, body
and answer, the success status, Zoom's rate-limit label. The router (web/v2.py), the
OpenAPI document (api/v2/openapi.py) and the sandbox's fault rules all read this list.
`run` runs one, inside the caller's transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from podium.api.call import ApiContext
from podium.api.v2 import answers, bodies, panelists, polls, registrants, reports, webinars
from podium.api.v2.call import Answer, Handler, Read, V2Call, V2Read
from podium.api.v2.requests import Request

LIGHT, MEDIUM, HEAVY = "Light", "Medium", "Heavy"
_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Operation:
    name: str  # the operationId (Zoom's own SDK, Rivet, calls its methods so)
    method: str
    path: str  # under /v2, with {parameters}
    handler: Handler
    summary: str
    status: int  # of success: 200, 201, or 204 (no body)
    label: str  # Zoom's rate-limit category
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    # The common case, cheaper: a plain read before any transaction (GET webinar).
    read: Read | None = None
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = _PARAMETER.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", self.path)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    @property
    def parameters(self) -> list[str]:
        return _PARAMETER.findall(self.path)


def _op(  # noqa: PLR0913 - the table below reads best with keywords
    name: str,
    method: str,
    path: str,
    handler: Handler,
    summary: str,
    *,
    label: str = LIGHT,
    tag: str = "Webinars",
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    answer: type[BaseModel] | None = None,
    read: Read | None = None,
) -> Operation:
    status = 204 if answer is None else (201 if method == "POST" else 200)
    return Operation(
        name, method, path, handler, summary, status, label, tag, query, body, answer, read
    )


W, Q, A = "/webinars/{webinarId}", bodies, answers
OPERATIONS: tuple[Operation, ...] = (
    _op("listWebinars", "GET", "/users/{userId}/webinars", webinars.list_webinars,
        "List a user's webinars", label=MEDIUM, query=Q.ListWebinarsQuery, answer=A.WebinarList),
    _op("createWebinar", "POST", "/users/{userId}/webinars", webinars.create_webinar,
        "Create a webinar", body=Q.WebinarBody, answer=A.Webinar),
    _op("getWebinar", "GET", W, webinars.get_webinar, "Get a webinar (by id or uuid)",
        query=Q.GetWebinarQuery, answer=A.Webinar, read=webinars.get_webinar_quickly),
    _op("updateWebinar", "PATCH", W, webinars.update_webinar, "Update a webinar",
        query=Q.OccurrenceQuery, body=Q.WebinarBody),
    _op("deleteWebinar", "DELETE", W, webinars.delete_webinar,
        "Delete a webinar or one occurrence", query=Q.DeleteWebinarQuery),
    _op("updateWebinarStatus", "PUT", f"{W}/status", webinars.end_webinar, "End a webinar",
        body=Q.WebinarStatusBody),
    _op("listWebinarRegistrants", "GET", f"{W}/registrants", registrants.list_registrants,
        "List registrants", label=MEDIUM, tag="Registrants", query=Q.RegistrantsQuery,
        answer=A.RegistrantList),
    _op("addWebinarRegistrant", "POST", f"{W}/registrants", registrants.add_registrant,
        "Add a registrant", tag="Registrants", query=Q.AddRegistrantQuery,
        body=Q.RegistrantBody, answer=A.Registration),
    _op("updateRegistrantsStatus", "PUT", f"{W}/registrants/status",
        registrants.update_registrants_status, "Approve, deny or cancel registrants",
        label=MEDIUM, tag="Registrants", query=Q.OccurrenceQuery, body=Q.RegistrantStatusBody),
    _op("listRegistrationQuestions", "GET", f"{W}/registrants/questions",
        registrants.get_questions, "The registration form's questions", tag="Registrants",
        answer=A.Questions),
    _op("updateRegistrationQuestions", "PATCH", f"{W}/registrants/questions",
        registrants.update_questions, "Set the registration form's questions",
        tag="Registrants", body=Q.QuestionsBody),
    _op("getWebinarRegistrant", "GET", f"{W}/registrants/{{registrantId}}",
        registrants.get_registrant, "Get a registrant", tag="Registrants",
        query=Q.OccurrenceQuery, answer=A.Registrant),
    _op("deleteWebinarRegistrant", "DELETE", f"{W}/registrants/{{registrantId}}",
        registrants.delete_registrant, "Cancel a registration", tag="Registrants",
        query=Q.OccurrenceQuery),
    _op("performBatchRegistration", "POST", f"{W}/batch_registrants",
        registrants.batch_registrants, "Register up to 30 people", label=HEAVY,
        tag="Registrants", body=Q.BatchBody, answer=A.BatchAnswer),
    _op("listPanelists", "GET", f"{W}/panelists", panelists.list_panelists, "List panelists",
        label=MEDIUM, tag="Panelists", answer=A.Panelists),
    _op("addPanelists", "POST", f"{W}/panelists", panelists.add_panelists, "Add panelists",
        label=MEDIUM, tag="Panelists", body=Q.PanelistsBody, answer=A.Updated),
    _op("removeAllPanelists", "DELETE", f"{W}/panelists", panelists.remove_all_panelists,
        "Remove every panelist", tag="Panelists"),
    _op("removePanelist", "DELETE", f"{W}/panelists/{{panelistId}}", panelists.remove_panelist,
        "Remove a panelist (by id or e-mail)", tag="Panelists"),
    _op("listWebinarsPolls", "GET", f"{W}/polls", polls.list_polls, "List polls", tag="Polls",
        query=Q.PollsQuery, answer=A.Polls),
    _op("createWebinarsPoll", "POST", f"{W}/polls", polls.create_poll, "Create a poll",
        tag="Polls", body=Q.PollBody, answer=A.Poll),
    _op("getWebinarPoll", "GET", f"{W}/polls/{{pollId}}", polls.get_poll, "Get a poll",
        tag="Polls", answer=A.Poll),
    _op("updateWebinarPoll", "PUT", f"{W}/polls/{{pollId}}", polls.update_poll,
        "Replace a poll", tag="Polls", body=Q.PollBody),
    _op("deleteWebinarPoll", "DELETE", f"{W}/polls/{{pollId}}", polls.delete_poll,
        "Delete a poll", tag="Polls"),
    _op("listPastWebinarInstances", "GET", "/past_webinars/{webinarId}/instances",
        reports.list_instances, "List ended sessions", tag="Past webinars",
        answer=A.Instances),
    _op("listWebinarParticipants", "GET", "/past_webinars/{webinarId}/participants",
        reports.past_participants, "List a session's participants", label=MEDIUM,
        tag="Past webinars", query=Q.TokenPagingQuery, answer=A.Participants),
    _op("getWebinarAbsentees", "GET", "/past_webinars/{webinarId}/absentees",
        reports.absentees, "List a session's absentees", label=HEAVY, tag="Past webinars",
        query=Q.AbsenteesQuery, answer=A.Absentees),
    _op("listPastWebinarPollResults", "GET", "/past_webinars/{webinarId}/polls",
        reports.past_polls, "A session's poll answers", label=MEDIUM, tag="Past webinars",
        answer=A.PastPolls),
    _op("listQAsOfPastWebinar", "GET", "/past_webinars/{webinarId}/qa", reports.past_qa,
        "A session's questions and answers", label=MEDIUM, tag="Past webinars",
        answer=A.PastQa),
    _op("getWebinarDetailReports", "GET", "/report/webinars/{webinarId}",
        reports.report_webinar, "A session's report", label=HEAVY, tag="Reports",
        answer=A.ReportWebinar),
    _op("getWebinarParticipantReports", "GET", "/report/webinars/{webinarId}/participants",
        reports.report_participants, "A session's participants report", label=HEAVY,
        tag="Reports", query=Q.ReportParticipantsQuery, answer=A.ReportParticipants),
    _op("getWebinarPollReports", "GET", "/report/webinars/{webinarId}/polls",
        reports.report_polls, "A session's polls report", label=HEAVY, tag="Reports",
        answer=A.ReportPolls),
    _op("getWebinarQAReport", "GET", "/report/webinars/{webinarId}/qa", reports.report_qa,
        "A session's Q&A report", label=HEAVY, tag="Reports", answer=A.ReportQa),
)  # fmt: skip
BY_NAME = {operation.name: operation for operation in OPERATIONS}


def route(method: str, path: str) -> tuple[Operation | None, dict[str, str], list[str]]:
    """The operation at `path` for `method` with its path values; else None and the methods
    of the most literal path that matches (`/registrants/status` before
    `/registrants/{registrantId}`; empty: no such path)."""
    matching: list[Operation] = []
    for operation in OPERATIONS:
        found = operation.pattern.match(path)
        if found is None:
            continue
        if operation.method == method:
            return operation, found.groupdict(), []
        matching.append(operation)
    fewest = min((len(op.parameters) for op in matching), default=0)
    return None, {}, [op.method for op in matching if len(op.parameters) == fewest]


def run(
    operation: Operation,
    request: Request,
    account_id: int,
    context: ApiContext,
    now: datetime,
    session: Session,
) -> Answer:
    """The operation for the account, inside the caller's transaction."""
    call = V2Call(
        context=context,
        account_id=account_id,
        now=now,
        path=request.path,
        query=request.query,
        session=session,
        body=request.body,
    )
    return operation.handler(call)


def read_first(
    operation: Operation,
    request: Request,
    account_id: int,
    context: ApiContext,
    now: datetime,
    connection: Connection,
) -> Answer:
    """The operation's plain read, if it has one: its answer, or None (the handler decides)."""
    if operation.read is None:
        return None
    call = V2Read(context, account_id, now, request.path, request.query)
    return operation.read(call, connection)
