"""Reading a registrant (register) and registrant id lists from parameters."""

from __future__ import annotations

import json

from podium.api.params import Params
from podium.api.webinar_params import LANGUAGES, valid_email
from podium.codes import PROFILE_TEXT_FIELDS
from podium.errors import InvalidParameter, MissingParameter
from podium.services.registration import Attendee

PURCHASING_TIME_FRAMES = (
    "Within a month",
    "1-3 months",
    "4-6 months",
    "More than 6 months",
    "No timeframe",
)
PURCHASE_ROLES = ("Decision Maker", "Evaluator/Recommender", "Influencer", "Not involved")
EMPLOYEE_COUNTS = (
    "1-20",
    "21-50",
    "51-100",
    "101-250",
    "251-500",
    "501-1,000",
    "1,001-5,000",
    "1,001-5,001",  # Zoom's own docs spell it both ways; both are accepted and kept as sent
    "5,001-10,000",
    "More than 10,000",
)
MAX_CUSTOM_QUESTIONS = 50


def read_custom_questions(params: Params) -> str:
    data = params.optional_json("custom_questions")
    if data is None:
        return "[]"
    if not isinstance(data, list) or len(data) > MAX_CUSTOM_QUESTIONS:
        raise InvalidParameter(
            name="custom_questions",
            reason=f"It must be a JSON array of at most {MAX_CUSTOM_QUESTIONS} objects.",
        )
    answers = []
    for item in data:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in ("title", "value")
        ):
            raise InvalidParameter(
                name="custom_questions", reason='Each item needs "title" and "value" strings.'
            )
        title, value = item["title"].strip(), item["value"].strip()
        if not title or len(title) > 300 or len(value) > 2000:
            raise InvalidParameter(
                name="custom_questions",
                reason="A title needs 1 to 300 characters, a value at most 2000.",
            )
        answers.append({"title": title, "value": value})
    return json.dumps(answers, ensure_ascii=False)


def read_attendee(params: Params) -> Attendee:
    email = valid_email(params.required("email", max_length=320), "email")
    texts = {name: params.optional(name) or "" for name in PROFILE_TEXT_FIELDS}
    return Attendee(
        email=email,
        first_name=params.required("first_name"),
        last_name=params.required("last_name"),
        purchasing_time_frame=params.optional_word("purchasing_time_frame", PURCHASING_TIME_FRAMES)
        or "",
        role_in_purchase_process=params.optional_word("role_in_purchase_process", PURCHASE_ROLES)
        or "",
        no_of_employees=params.optional_word("no_of_employees", EMPLOYEE_COUNTS) or "",
        comments=params.optional("comments", max_length=2000, multiline=True) or "",
        custom_questions=read_custom_questions(params),
        language=params.optional_word("language", LANGUAGES) or "",
        **texts,
    )


def read_id_list(params: Params, name: str, *, limit: int) -> list[str]:
    """A comma-separated id list, at most `limit` long (missing → 300 "… is required.")."""
    value = params.optional(name, max_length=10_000)
    ids = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not ids:
        raise MissingParameter(name=name)
    if len(ids) > limit:
        raise InvalidParameter(name=name, reason=f"At most {limit} at a time.")
    return ids


def read_registrant_ids(params: Params, *, limit: int) -> tuple[str, list[str]]:
    """`registrant_ids`, or `registrants_ids` as Zoom's docs also spell it: (name, ids)."""
    name = (
        "registrants_ids"
        if params.raw("registrant_ids") is None and params.raw("registrants_ids")
        else "registrant_ids"
    )
    return name, read_id_list(params, name, limit=limit)


def read_occurrence_ids(params: Params) -> list[str]:
    value = params.optional("occurrence_ids", max_length=10_000)
    return [part.strip() for part in (value or "").split(",") if part.strip()]
