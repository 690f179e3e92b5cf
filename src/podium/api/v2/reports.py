"""v2 after-the-session handlers: /past_webinars/… and /report/webinars/…, over the same
sessions, joins, poll answers and questions v1's reports read. A `webinarId` that is a
webinar (its number or uuid) means its latest ended session; a session's uuid, that one."""

from __future__ import annotations

from typing import Any

from podium.api.call import Json
from podium.api.v2 import shapes
from podium.api.v2.bodies import ReportParticipantsQuery
from podium.api.v2.call import Answer, V2Call
from podium.api.v2.paging import page_asked, paging
from podium.db.models import Webinar, WebinarInstance
from podium.errors import WebinarNotEnded
from podium.services import lookup, reports
from podium.services.reports import Participation
from podium.timestamps import format_timestamp


def _ended(call: V2Call) -> tuple[Webinar, WebinarInstance]:
    webinar, instance = lookup.find_webinar_or_session(
        call.session, call.path["webinarId"], account_id=call.account_id
    )
    if instance is None:
        return webinar, reports.ended_instance(call.session, webinar, None)
    if instance.ended_at is None:
        raise WebinarNotEnded
    return webinar, instance


def _head(webinar: Webinar, instance: WebinarInstance) -> Json:
    return {
        "id": webinar.id,
        "uuid": instance.uuid,
        "start_time": format_timestamp(instance.started_at),
    }


def list_instances(call: V2Call) -> Answer:
    webinar = lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)
    found = reports.ended_instances(call.session, webinar)
    items = [{"uuid": i.uuid, "start_time": format_timestamp(i.started_at)} for i in found]
    return {"webinars": items}


def _joins(call: V2Call, kind: str) -> tuple[Json, list[Participation]]:
    _, instance = _ended(call)
    listing = f"{kind}:{instance.id}"
    page = page_asked(call, listing)
    total, found = reports.participations(call.session, instance, page)
    return paging(call.key, listing, page, total, call.now, numbered=False), found


def _times(item: Participation) -> dict[str, Any]:
    return {
        "user_email": item.email,
        "join_time": format_timestamp(item.joined_at),
        "leave_time": format_timestamp(item.left_at),
        "duration": item.seconds,
        "failover": False,
        "status": "in_meeting",
    }


def past_participants(call: V2Call) -> Answer:
    head, found = _joins(call, "past-participants")
    people = [
        {
            "id": item.registrant_id or "",
            "name": item.name,
            "user_id": str(item.attendance_id),
            "registrant_id": item.registrant_id or "",
            **_times(item),
            "internal_user": False,
        }
        for item in found
    ]
    return head | {"participants": people}


def report_participants(call: V2Call) -> Answer:
    query: ReportParticipantsQuery = call.query
    head, found = _joins(call, "report-participants")
    people = []
    for item in found:
        person: Json = {"id": item.registrant_id or "", "user_id": str(item.attendance_id)}
        person |= {"name": item.name, **_times(item), "customer_key": ""}
        if query.include_fields == "registrant_id":
            person["registrant_id"] = item.registrant_id or ""
        people.append(person)
    return head | {"participants": people}


def absentees(call: V2Call) -> Answer:
    webinar, instance = _ended(call)
    listing = f"absentees:{instance.id}"
    page = page_asked(call, listing)
    total, found = reports.absentees(call.session, webinar, instance, page)
    items = [shapes.registrant(call, webinar, item) for item in found]
    return paging(call.key, listing, page, total, call.now, numbered=False) | {"registrants": items}


def _polls(call: V2Call, *, report: bool) -> Answer:
    webinar, instance = _ended(call)
    people: dict[str, Json] = {}
    for answer in reports.poll_answers(call.session, instance):
        detail = {
            "question": answer.question,
            "answer": answer.answer,
            "polling_id": str(answer.poll_id),
            "date_time": format_timestamp(answer.answered_at),
        }
        extra = {}
        if report:
            first, last = shapes.split_name(answer.name)
            extra = {"first_name": first, "last_name": last}
        shapes.grouped(people, answer.name, answer.email, detail, **extra)
    return _head(webinar, instance) | {"questions": list(people.values())}


def past_polls(call: V2Call) -> Answer:
    return _polls(call, report=False)


def report_polls(call: V2Call) -> Answer:
    return _polls(call, report=True)


def past_qa(call: V2Call) -> Answer:
    webinar, instance = _ended(call)
    people: dict[str, Json] = {}
    for asked in reports.qa_questions(call.session, instance):
        detail = {"question": asked.question, "answer": asked.answer}
        shapes.grouped(people, asked.name, asked.email, detail)
    return _head(webinar, instance) | {"questions": list(people.values())}


def report_qa(call: V2Call) -> Answer:
    webinar, instance = _ended(call)
    host = webinar.host
    people: dict[str, Json] = {}
    for asked in reports.qa_questions(call.session, instance):
        answers = []
        if asked.answer:
            answers.append(
                {
                    "user_id": host.host_id,
                    "name": host.email,
                    "email": host.email,
                    "content": asked.answer,
                    "create_time": format_timestamp(asked.answered_at),
                    "type": "default",
                }
            )
        detail = {
            "question_id": str(asked.id),
            "question": asked.question,
            "answer": asked.answer,
            "create_time": format_timestamp(asked.asked_at),
            "question_status": "answered" if asked.answer else "open",
            "answer_details": answers,
        }
        shapes.grouped(people, asked.name, asked.email, detail, user_id="")
    return _head(webinar, instance) | {"questions": list(people.values())}


def report_webinar(call: V2Call) -> Answer:
    webinar, instance = _ended(call)
    ended_at = instance.ended_at or instance.started_at
    counted = reports.summary(call.session, instance)
    return {
        "id": webinar.id,
        "uuid": instance.uuid,
        "type": webinar.type,
        "topic": webinar.topic,
        "user_name": webinar.host.email,
        "user_email": webinar.host.email,
        "start_time": format_timestamp(instance.started_at),
        "end_time": format_timestamp(ended_at),
        "duration": int((ended_at - instance.started_at).total_seconds()) // 60,
        "total_minutes": counted.total_minutes,
        "participants_count": counted.participants,
        "dept": "",
        "tracking_fields": [],
        "custom_keys": [],
    }
