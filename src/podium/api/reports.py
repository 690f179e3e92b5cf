"""Handlers of the ended-webinar reports: uuid/list, attendees/list, polls, questions."""

from __future__ import annotations

from collections.abc import Iterable

from podium.api.call import ApiCall, Json
from podium.db.models import Webinar, WebinarInstance
from podium.services import lookup, reports
from podium.services.reports import AttendanceLine
from podium.timestamps import format_timestamp


def _webinar(call: ApiCall) -> Webinar:
    call.host()
    return lookup.find_webinar(call.session, call.params.required("id"), account_id=call.account_id)


def _instance(call: ApiCall, webinar: Webinar) -> WebinarInstance:
    uuid = call.params.optional("uuid", max_length=64)
    # A uuid sent raw in a query string has its "+" turned into spaces: take them back.
    return reports.ended_instance(
        call.session, webinar, None if uuid is None else uuid.replace(" ", "+")
    )


def webinar_uuid_list(call: ApiCall) -> Json:
    webinar = _webinar(call)
    instances = reports.ended_instances(call.session, webinar)
    return {
        "webinars": [
            {"uuid": i.uuid, "start_time": format_timestamp(i.started_at)} for i in instances
        ]
    }


def _attendee(line: AttendanceLine) -> Json:
    return {
        "first_name": line.first_name,
        "last_name": line.last_name,
        "email": line.email,
        "join_time": line.join_time,
        "leave_time": line.leave_time,
        "time_in_session": str(line.minutes),
        "attended": "Yes" if line.join_time else "No",
        "custom_questions": line.custom_questions,
        "questions": line.standard,
    }


def webinar_attendees_list(call: ApiCall) -> Json:
    webinar = _webinar(call)
    instance = _instance(call, webinar)
    lines = reports.attendance_lines(call.session, webinar, instance)
    return {"attendees": [_attendee(line) for line in lines]}


def _grouped(
    webinar: Webinar,
    instance: WebinarInstance,
    items: Iterable[tuple[str, str, str, str]],
) -> Json:
    """{id, uuid, start_time, questions: [{name, email, question_details}]}, per participant."""
    people: dict[str, Json] = {}
    for name, email, question, answer in items:
        person = people.setdefault(
            email.lower(), {"name": name, "email": email, "question_details": []}
        )
        person["question_details"].append({"question": question, "answer": answer})
    return {
        "id": webinar.id,
        "uuid": instance.uuid,
        "start_time": format_timestamp(instance.started_at),
        "questions": list(people.values()),
    }


def webinar_polls(call: ApiCall) -> Json:
    webinar = _webinar(call)
    instance = _instance(call, webinar)
    answers = reports.poll_answers(call.session, instance)
    return _grouped(webinar, instance, ((a.name, a.email, a.question, a.answer) for a in answers))


def webinar_questions(call: ApiCall) -> Json:
    webinar = _webinar(call)
    instance = _instance(call, webinar)
    asked = reports.qa_questions(call.session, instance)
    return _grouped(webinar, instance, ((q.name, q.email, q.question, q.answer) for q in asked))
