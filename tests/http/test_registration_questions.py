"""Registration questions (services/questions.py) bind every way of registering: a required
standard field or custom question cannot be skipped, a choice must be one offered."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import CustomQuestionType
from podium.db.models import Registrant, Webinar
from podium.errors import InvalidParameter
from podium.services import questions
from podium.services.questions import CustomQuestion, StandardQuestion
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import error
from tests.http.registration_helpers import create_webinar, register

FORM = questions.validated(
    [StandardQuestion("city", required=True), StandardQuestion("org", required=False)],
    [
        CustomQuestion("Role", CustomQuestionType.SINGLE_DROPDOWN, True, ("Dev", "Ops")),
        CustomQuestion("Topics", CustomQuestionType.MULTIPLE, False, ("API", "UI", "DB")),
        CustomQuestion("Why", CustomQuestionType.SHORT, False, ("ignored",)),
    ],
)


def with_form(session: Session, webinar_id: int) -> None:
    webinar = session.execute(select(Webinar).where(Webinar.id == webinar_id)).scalar_one()
    questions.set_questions(session, webinar, FORM, now=NOW)


def answers(**values: str) -> str:
    return json.dumps([{"title": title, "value": value} for title, value in values.items()])


def emails(session: Session) -> list[str]:
    session.expire_all()
    return list(session.execute(select(Registrant.email).order_by(Registrant.id)).scalars())


def test_the_form_is_stored_canonically_and_read_back(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    with_form(session, webinar_id)
    webinar = session.execute(select(Webinar).where(Webinar.id == webinar_id)).scalar_one()

    assert json.loads(webinar.registration_questions) == {
        "questions": [["city", True], ["org", False]],
        "custom": [
            ["Role", "single_dropdown", True, ["Dev", "Ops"]],
            ["Topics", "multiple", False, ["API", "UI", "DB"]],
            ["Why", "short", False, []],  # a text question has no choices
        ],
    }
    assert questions.questions_of(webinar) == FORM
    assert (FORM.asks("org"), FORM.requires("org"), FORM.requires("city")) == (True, False, True)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"custom_questions": answers(Role="Dev")}, error(300, "city is required.")),
        (
            {"city": "Oslo"},
            error(300, "Invalid parameter: custom_questions. Role needs an answer."),
        ),
        (
            {"city": "Oslo", "custom_questions": answers(Role="CEO")},
            error(300, "Invalid parameter: custom_questions. Role takes one of: Dev, Ops."),
        ),
        (
            {"city": "Oslo", "custom_questions": answers(Role="Dev", Topics="API;Cooking")},
            error(300, "Invalid parameter: custom_questions. Topics takes one of: API, UI, DB."),
        ),
    ],
)
def test_unanswered_or_unoffered_answers_are_refused_on_every_path(
    given: dict[str, str],
    expected: dict[str, object],
    client: TestClient,
    account: AccountKeys,
    session: Session,
) -> None:
    one_time = create_webinar(client, account)  # new e-mails take the shortcut
    series = create_webinar(
        client, account, type=9, recurrence=json.dumps({"type": 1, "end_times": 2})
    )  # a series takes the ORM path
    for webinar_id in (one_time, series):
        with_form(session, webinar_id)

        assert register(client, account, webinar_id, f"a{webinar_id}@x.io", **given) == expected
    assert emails(session) == []


def test_complete_answers_register(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    with_form(session, webinar_id)
    given = answers(Role="Ops", Topics="API; DB", Why="curious")

    body = register(client, account, webinar_id, "b@x.io", city="Oslo", custom_questions=given)

    stored = session.execute(select(Registrant)).scalar_one()
    assert (body["registrant_id"], body["topic"]) == (stored.registrant_id, "Launch")
    assert emails(session) == ["b@x.io"]
    assert (stored.city, json.loads(stored.custom_questions)) == (
        "Oslo",
        [
            {"title": "Role", "value": "Ops"},
            {"title": "Topics", "value": "API; DB"},
            {"title": "Why", "value": "curious"},
        ],
    )


@pytest.mark.parametrize(
    ("standard", "custom", "message"),
    [
        ([StandardQuestion("email", True)], [], "email is not a field a registration can ask."),
        (
            [StandardQuestion("city", True), StandardQuestion("city", False)],
            [],
            "Each field may be asked once.",
        ),
        (
            [],
            [CustomQuestion(" ", CustomQuestionType.SHORT, False)],
            "Each question needs a title of its own.",
        ),
        (
            [],
            [CustomQuestion("Role", CustomQuestionType.SINGLE_RADIO, True, ())],
            "Role needs 1 to 50 non-empty answers.",
        ),
        (
            [],
            [CustomQuestion("Role", CustomQuestionType.MULTIPLE, True, ("a", "a"))],
            "The answers of Role must differ.",
        ),
    ],
)
def test_a_bad_form_is_refused(
    standard: list[StandardQuestion], custom: list[CustomQuestion], message: str
) -> None:
    with pytest.raises(InvalidParameter) as refused:
        questions.validated(standard, custom)

    assert str(refused.value).endswith(message)
