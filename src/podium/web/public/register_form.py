"""The registration page's form: the fields a webinar's questions ask (standard fields asked
or required as the host set them, the host's custom questions), and the answers read back as
an `Attendee`, with an error beside each field a person must fix. The rule of what must be
answered is services/questions (`problems`), the same for every way of registering."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from podium.api.params import Params
from podium.api.registrant_params import (
    EMPLOYEE_COUNTS,
    PURCHASE_ROLES,
    PURCHASING_TIME_FRAMES,
    read_custom_questions,
)
from podium.api.webinar_params import valid_email
from podium.codes import CustomQuestionType
from podium.errors import ZoomError
from podium.services.questions import MULTIPLE_SEPARATOR, RegistrationQuestions, problems
from podium.services.registration import Attendee
from podium.web.public.texts import N_

LABELS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("E-mail address"),
    "address": N_("Address"),
    "city": N_("City"),
    "country": N_("Country or region"),
    "zip": N_("Postal code"),
    "state": N_("State or province"),
    "phone": N_("Phone"),
    "industry": N_("Industry"),
    "org": N_("Organisation"),
    "job_title": N_("Job title"),
    "purchasing_time_frame": N_("Purchasing time frame"),
    "role_in_purchase_process": N_("Role in the purchase"),
    "no_of_employees": N_("Number of employees"),
    "comments": N_("Questions and comments"),
}
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "address": "street-address",
    "city": "address-level2",
    "country": "country-name",
    "zip": "postal-code",
    "state": "address-level1",
    "phone": "tel",
    "org": "organization",
    "job_title": "organization-title",
}
SELECTS = {
    "purchasing_time_frame": PURCHASING_TIME_FRAMES,
    "role_in_purchase_process": PURCHASE_ROLES,
    "no_of_employees": EMPLOYEE_COUNTS,
}
KINDS = {
    CustomQuestionType.SHORT: "text",
    CustomQuestionType.SINGLE_RADIO: "radio",
    CustomQuestionType.SINGLE_DROPDOWN: "select",
    CustomQuestionType.MULTIPLE: "checkbox",
}
REQUIRED = N_("Please answer this question.")
NOT_OFFERED = N_("Choose one of the answers offered.")
BAD_EMAIL = N_("Enter an e-mail address such as name@example.com.")
BAD_TEXT = N_("This answer is too long, or holds characters that are not allowed.")
NAMED = frozenset({"email", "first_name", "last_name"})  # Attendee's own arguments


@dataclass(frozen=True)
class Field:
    """One question of the form as the template draws it."""

    name: str  # the form field: a standard field's name, or "cq-<n>" for a custom question
    label: str  # English, translated by the template (a custom question: the host's words)
    kind: str  # text, email, tel, textarea, select, radio or checkbox
    required: bool
    choices: tuple[str, ...] = ()
    autocomplete: str = ""
    is_custom: bool = False
    max_length: int = 300


def fields_of(questions: RegistrationQuestions) -> list[Field]:
    """First name and e-mail (always asked, required), then what the webinar asks, in order."""
    fields = [Field("first_name", LABELS["first_name"], "text", True, autocomplete="given-name")]
    if questions.asks("last_name"):
        required = questions.requires("last_name")
        fields.append(Field("last_name", LABELS["last_name"], "text", required, (), "family-name"))
    fields.append(Field("email", LABELS["email"], "email", True, autocomplete="email"))
    for question in questions.standard:
        name = question.field_name
        if name == "last_name":
            continue
        kind = "select" if name in SELECTS else "textarea" if name == "comments" else "text"
        kind = "tel" if name == "phone" else kind
        length = 2000 if name == "comments" else 300
        choices = SELECTS.get(name, ())
        autocomplete = AUTOCOMPLETE.get(name, "")
        fields.append(
            Field(name, LABELS[name], kind, question.required, choices, autocomplete, False, length)
        )
    for number, custom in enumerate(questions.custom):
        kind = KINDS[custom.type]
        fields.append(
            Field(f"cq-{number}", custom.title, kind, custom.required, custom.answers, "", True)
        )
    return fields


@dataclass
class FormAnswers:
    """What was sent (to show the form again) and what is wrong with it, by field."""

    values: dict[str, list[str]]
    errors: dict[str, str] = field(default_factory=dict)
    attendee: Attendee | None = None


def _one(values: dict[str, list[str]], name: str) -> str:
    given = values.get(name, [])
    return given[0] if given else ""


def _standard_values(fields: Sequence[Field], answers: FormAnswers) -> dict[str, str]:
    """The standard fields' answers, each checked as the v1 API checks it."""
    read: dict[str, str] = {}
    for item in fields:
        if item.is_custom:
            continue
        params = Params({item.name: _one(answers.values, item.name)})
        try:
            if item.name == "email":
                text = params.optional("email", max_length=320)
                read["email"] = valid_email(text, "email") if text else ""
            elif item.kind == "select":
                read[item.name] = params.optional_word(item.name, item.choices) or ""
            else:
                multiline = item.kind == "textarea"
                value = params.optional(item.name, max_length=item.max_length, multiline=multiline)
                read[item.name] = value or ""
        except ZoomError:
            read[item.name] = ""
            answers.errors[item.name] = (
                BAD_EMAIL if item.name == "email" else NOT_OFFERED if item.choices else BAD_TEXT
            )
    return read


def _custom_answers(fields: Sequence[Field], answers: FormAnswers) -> str:
    """The custom questions' answers as v1's `custom_questions` JSON (only those answered)."""
    given = []
    for item in fields:
        if not item.is_custom:
            continue
        chosen = [value.strip() for value in answers.values.get(item.name, []) if value.strip()]
        if chosen:
            given.append({"title": item.label, "value": MULTIPLE_SEPARATOR.join(chosen)})
    try:
        return read_custom_questions(Params({"custom_questions": json.dumps(given)}))
    except ZoomError:
        answers.errors["form"] = BAD_TEXT
        return "[]"


def read_form(
    pairs: Sequence[tuple[str, str]], questions: RegistrationQuestions, language: str
) -> FormAnswers:
    """The form's answers: an Attendee when nothing needs fixing, else the errors."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    answers = FormAnswers(values)
    fields = fields_of(questions)
    read = _standard_values(fields, answers)
    for required in ("first_name", "email"):
        if not read[required] and required not in answers.errors:
            answers.errors[required] = REQUIRED
    attendee = Attendee(
        email=read["email"],
        first_name=read["first_name"],
        last_name=read.get("last_name", ""),
        custom_questions=_custom_answers(fields, answers),
        language=language,
        **{name: value for name, value in read.items() if name not in NAMED},
    )
    by_title = {item.label: item for item in fields if item.is_custom}
    for problem in problems(questions, attendee):
        name = problem.field
        if name.startswith("custom:"):
            item = by_title[name.removeprefix("custom:")]
            answered = any(value.strip() for value in values.get(item.name, []))
            answers.errors.setdefault(item.name, NOT_OFFERED if answered else REQUIRED)
        else:
            answers.errors.setdefault(name, REQUIRED)
    if not answers.errors:
        answers.attendee = attendee
    return answers
