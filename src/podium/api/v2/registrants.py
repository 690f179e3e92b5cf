"""v2 registrant handlers: listings, registering (one or a batch), a registrant, and the
host's approve / deny / cancel."""

from __future__ import annotations

import json

from podium.api.v2 import shapes
from podium.api.v2.bodies import (
    AddRegistrantQuery,
    BatchBody,
    BatchRegistrant,
    OccurrenceQuery,
    QuestionsBody,
    RegistrantBody,
    RegistrantsQuery,
    RegistrantStatusBody,
)
from podium.api.v2.call import Answer, V2Call
from podium.api.v2.paging import page_asked, paging
from podium.codes import PROFILE_TEXT_FIELDS
from podium.db.models import Webinar
from podium.errors import InvalidParameter, MissingParameter
from podium.services import batch, lookup, questions, registrants, registration
from podium.services.registration import Attendee


def _webinar(call: V2Call) -> Webinar:
    return lookup.find_webinar(call.session, call.path["webinarId"], account_id=call.account_id)


def _names(person: RegistrantBody | BatchRegistrant) -> tuple[str, str]:
    first = person.first_name.strip()
    if not first:
        raise MissingParameter(name="first_name")
    return first, person.last_name.strip()


def read_attendee(body: RegistrantBody) -> Attendee:
    """The person a v2 body registers (texts trimmed, as v1 reads them)."""
    first, last = _names(body)
    answers = [
        {"title": item.title.strip(), "value": item.value.strip()} for item in body.custom_questions
    ]
    return Attendee(
        email=body.email,
        first_name=first,
        last_name=last,
        purchasing_time_frame=body.purchasing_time_frame,
        role_in_purchase_process=body.role_in_purchase_process,
        no_of_employees=body.no_of_employees,
        comments=body.comments.strip(),
        custom_questions=json.dumps(answers, ensure_ascii=False),
        language=body.language,
        **{name: getattr(body, name).strip() for name in PROFILE_TEXT_FIELDS},
    )


def list_registrants(call: V2Call) -> Answer:
    query: RegistrantsQuery = call.query
    webinar = _webinar(call)
    listing = f"registrants:{webinar.seq}:{query.status}:{query.occurrence_id or ''}"
    page = page_asked(call, listing)
    total, found = registrants.list_in_states(
        call.session, webinar, shapes.STATES_SHOWN_AS[query.status], query.occurrence_id, page
    )
    items = [shapes.registrant(call, webinar, item) for item in found]
    return paging(call.key, listing, page, total, call.now, numbered=True) | {"registrants": items}


def add_registrant(call: V2Call) -> Answer:
    query: AddRegistrantQuery = call.query
    body: RegistrantBody = call.body
    attendee = read_attendee(body)
    listed = query.occurrence_ids or body.occurrence_ids or ""
    chosen = [part for part in listed.split(",") if part]
    if not chosen:
        quickly = _register_quickly(call, attendee)
        if quickly is not None:
            return quickly
    webinar = _webinar(call)
    registered = registration.register(
        call.session, webinar, attendee, occurrence_ids=chosen, issuer=call.issuer, now=call.now
    )
    return shapes.registration(call, webinar, registered)


def _register_quickly(call: V2Call, attendee: Attendee) -> Answer:
    """A new e-mail for a webinar that is not a series, on plain statements
    (registration.register_new, the same rule path as v1's shortcut); None when the case is
    not that simple, with nothing written: `register` then decides."""
    number = lookup.webinar_number(call.path["webinarId"].strip())
    if number is None:
        return None
    row = registration.account_registration_target(
        call.session.connection(),
        account_id=call.account_id,
        webinar_id=number,
        email=attendee.email,
    )
    if row is None:
        return None
    created = registration.register_new(
        call.session, row, attendee, issuer=call.issuer, now=call.now
    )
    return None if created is None else shapes.new_registration(call, row, created)


def get_registrant(call: V2Call) -> Answer:
    webinar = _webinar(call)
    found = registrants.registrant_by_id(call.session, webinar, call.path["registrantId"])
    return shapes.registrant(call, webinar, found)


def delete_registrant(call: V2Call) -> Answer:
    """The registration is cancelled (of one occurrence, when named): the same state as a
    v1 cancel; v2 then shows the person as denied."""
    query: OccurrenceQuery = call.query
    webinar = _webinar(call)
    found = registrants.registrant_by_id(call.session, webinar, call.path["registrantId"])
    registrants.cancel(
        call.session,
        webinar,
        [found.registrant_id],
        name="registrantId",
        occurrence_id=query.occurrence_id,
        now=call.now,
    )
    return None


def update_registrants_status(call: V2Call) -> Answer:
    query: OccurrenceQuery = call.query
    body: RegistrantStatusBody = call.body
    webinar = _webinar(call)
    emails = [ref.email for ref in body.registrants if ref.id is None and ref.email]
    known = registrants.ids_by_email(call.session, webinar, emails)
    ids = []
    for ref in body.registrants:
        if ref.id is not None:
            ids.append(ref.id)
        elif (ref.email or "").lower() in known:
            ids.append(known[(ref.email or "").lower()])
        else:
            raise InvalidParameter(
                name="registrants", reason=f"{ref.email} is not a registrant of this webinar."
            )
    if body.action == "approve":
        registrants.approve(call.session, webinar, ids, name="registrants", now=call.now)
    elif body.action == "deny":
        registrants.deny(call.session, webinar, ids, name="registrants", now=call.now)
    else:
        registrants.cancel(
            call.session,
            webinar,
            ids,
            name="registrants",
            occurrence_id=query.occurrence_id,
            now=call.now,
        )
    return None


def _questions(form: questions.RegistrationQuestions) -> Answer:
    return {
        "questions": [{"field_name": q.field_name, "required": q.required} for q in form.standard],
        "custom_questions": [
            {"title": q.title, "type": q.type, "required": q.required, "answers": list(q.answers)}
            for q in form.custom
        ],
    }


def get_questions(call: V2Call) -> Answer:
    return _questions(questions.questions_of(_webinar(call)))


def update_questions(call: V2Call) -> Answer:
    body: QuestionsBody = call.body
    webinar = _webinar(call)
    current = questions.questions_of(webinar)
    standard = current.standard
    if body.questions is not None:
        standard = tuple(
            questions.StandardQuestion(q.field_name, q.required) for q in body.questions
        )
    custom = current.custom
    if body.custom_questions is not None:
        custom = tuple(
            questions.CustomQuestion(q.title, q.type, q.required, tuple(q.answers))
            for q in body.custom_questions
        )
    form = questions.validated(standard, custom)
    questions.set_questions(call.session, webinar, form, now=call.now)
    return None


def batch_registrants(call: V2Call) -> Answer:
    body: BatchBody = call.body
    webinar = _webinar(call)
    people = []
    for person in body.registrants:
        first, last = _names(person)
        people.append(Attendee(email=person.email, first_name=first, last_name=last))
    done = batch.register_batch(
        call.session,
        webinar,
        people,
        auto_approve=body.auto_approve,
        issuer=call.issuer,
        now=call.now,
    )
    return {
        "registrants": [
            {
                "email": item.registrant.email,
                "registrant_id": item.registrant.registrant_id,
                "join_url": shapes.registration(call, webinar, item)["join_url"],
            }
            for item in done
        ]
    }
