"""What a webinar's registration form asks: standard questions (which profile fields are asked,
and which of those are required) and the host's custom questions. Every way of registering
(v1, v2, the registration page) checks a registration against them in
services/registration.py, so a required answer cannot be skipped by taking another door.

Stored on the webinar as canonical JSON ("" = the default: the last name, optional).
An answer to a `multiple` custom question names its choices separated by ";" (Zoom's value
format is not documented; docs/decisions.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from podium.codes import QUESTION_FIELDS, CustomQuestionType
from podium.db.models import Webinar
from podium.errors import InvalidParameter, MissingParameter, ZoomError

MAX_CUSTOM_QUESTIONS = 50
MAX_ANSWERS = 50
MULTIPLE_SEPARATOR = ";"


@dataclass(frozen=True)
class StandardQuestion:
    field_name: str  # one of codes.QUESTION_FIELDS
    required: bool


@dataclass(frozen=True)
class CustomQuestion:
    title: str
    type: CustomQuestionType
    required: bool
    answers: tuple[str, ...] = ()  # the choices (none for `short`)


@dataclass(frozen=True)
class RegistrationQuestions:
    standard: tuple[StandardQuestion, ...]
    custom: tuple[CustomQuestion, ...]

    def to_json(self) -> str:
        return json.dumps(
            {
                "questions": [[q.field_name, q.required] for q in self.standard],
                "custom": [
                    [q.title, q.type.value, q.required, list(q.answers)] for q in self.custom
                ],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def asks(self, field_name: str) -> bool:
        return any(q.field_name == field_name for q in self.standard)

    def requires(self, field_name: str) -> bool:
        return any(q.field_name == field_name and q.required for q in self.standard)


DEFAULT = RegistrationQuestions(
    standard=(StandardQuestion("last_name", required=False),), custom=()
)


@lru_cache(maxsize=1024)
def _parse(text: str) -> RegistrationQuestions:
    if not text:
        return DEFAULT
    data = json.loads(text)
    return RegistrationQuestions(
        standard=tuple(StandardQuestion(name, required) for name, required in data["questions"]),
        custom=tuple(
            CustomQuestion(title, CustomQuestionType(kind), required, tuple(answers))
            for title, kind, required, answers in data["custom"]
        ),
    )


def questions_of(webinar: Any) -> RegistrationQuestions:
    """The questions of a webinar (its ORM object or a row of the webinars table)."""
    return _parse(webinar.registration_questions)


def validated(
    standard: Sequence[StandardQuestion], custom: Sequence[CustomQuestion]
) -> RegistrationQuestions:
    """Questions as a host sets them, checked: known fields once each, custom titles once
    each, choices for the questions that have them (300 naming what is wrong)."""
    names = [q.field_name for q in standard]
    for name in names:
        if name not in QUESTION_FIELDS:
            raise InvalidParameter(
                name="questions", reason=f"{name} is not a field a registration can ask."
            )
    if len(set(names)) != len(names):
        raise InvalidParameter(name="questions", reason="Each field may be asked once.")
    if len(custom) > MAX_CUSTOM_QUESTIONS:
        raise InvalidParameter(
            name="custom_questions", reason=f"At most {MAX_CUSTOM_QUESTIONS} questions."
        )
    titles = [q.title.strip() for q in custom]
    if len(set(titles)) != len(titles) or not all(titles):
        raise InvalidParameter(
            name="custom_questions", reason="Each question needs a title of its own."
        )
    checked = []
    for question in custom:
        answers = tuple(answer.strip() for answer in question.answers)
        if question.type.has_answers:
            if not answers or len(answers) > MAX_ANSWERS or not all(answers):
                raise InvalidParameter(
                    name="custom_questions",
                    reason=f"{question.title} needs 1 to {MAX_ANSWERS} non-empty answers.",
                )
            if len(set(answers)) != len(answers):
                raise InvalidParameter(
                    name="custom_questions", reason=f"The answers of {question.title} must differ."
                )
        else:
            answers = ()
        checked.append(
            CustomQuestion(question.title.strip(), question.type, question.required, answers)
        )
    return RegistrationQuestions(tuple(standard), tuple(checked))


def set_questions(
    session: Session, webinar: Webinar, questions: RegistrationQuestions, *, now: datetime
) -> None:
    """The webinar's form asks `questions` from now on (registrations already made stand)."""
    webinar.registration_questions = "" if questions == DEFAULT else questions.to_json()
    webinar.updated_at = now
    session.flush()


@dataclass(frozen=True)
class Problem:
    """An answer the form needs and did not get: `field` is a standard field's name, or
    `custom:<title>`; `error` is what every way of registering answers for it."""

    field: str
    error: ZoomError


def problems(questions: RegistrationQuestions, attendee: Any) -> list[Problem]:
    """Every required answer missing and every choice not offered, in the form's order
    (the registration page shows each beside its field; the APIs report the first)."""
    found = [
        Problem(question.field_name, MissingParameter(name=question.field_name))
        for question in questions.standard
        if question.required and not getattr(attendee, question.field_name)
    ]
    if not questions.custom:
        return found
    given = {item["title"]: item["value"] for item in json.loads(attendee.custom_questions)}
    for custom in questions.custom:
        value = given.get(custom.title, "").strip()
        if not value and custom.required:
            reason = f"{custom.title} needs an answer."
            error = InvalidParameter(name="custom_questions", reason=reason)
            found.append(Problem(f"custom:{custom.title}", error))
        elif value and not _is_offered(custom, value):
            offered = ", ".join(custom.answers)
            reason = f"{custom.title} takes one of: {offered}."
            error = InvalidParameter(name="custom_questions", reason=reason)
            found.append(Problem(f"custom:{custom.title}", error))
    return found


def check_answers(questions: RegistrationQuestions, attendee: Any) -> None:
    """A registration's answers against the form's questions: every required standard field
    and custom question answered, choices among those offered (300 naming the field)."""
    found = problems(questions, attendee)
    if found:
        raise found[0].error


def _is_offered(question: CustomQuestion, value: str) -> bool:
    if not question.type.has_answers:
        return True
    chosen = (
        [part.strip() for part in value.split(MULTIPLE_SEPARATOR)]
        if question.type == CustomQuestionType.MULTIPLE
        else [value]
    )
    return all(choice in question.answers for choice in chosen)
