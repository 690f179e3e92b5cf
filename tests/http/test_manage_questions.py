"""The registration questions page: standard fields asked (optional or required) and the
host's own questions, checked by the rules the v2 API uses."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from tests.conftest import AccountKeys
from tests.http.live_helpers import webinar_row
from tests.http.manage_helpers import post_form
from tests.http.page_helpers import Tree
from tests.http.registration_helpers import create_webinar, register


def test_the_host_sets_a_required_field_and_a_custom_question(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0, topic="Clinic")
    page = f"/manage/webinars/{webinar_id}/questions"

    answer = post_form(
        signed,
        page,
        page,
        {
            "ask_last_name": "required",
            "ask_org": "optional",
            "custom_title_0": "How did you hear of us?",
            "custom_type_0": "single_radio",
            "custom_required_0": "yes",
            "custom_answers_0": "A friend\nThe web\n",
        },
    )

    assert answer.headers["location"] == f"{page}?done=saved"
    stored = json.loads(webinar_row(session, webinar_id).registration_questions)
    assert stored == {
        "questions": [["last_name", True], ["org", False]],
        "custom": [["How did you hear of us?", "single_radio", True, ["A friend", "The web"]]],
    }
    refused = register(client, account, webinar_id, "ann@ext.test")  # no answer to it
    assert refused["error"]["code"] == 300
    shown = Tree(signed.get(page).text)
    assert shown.find(id="f-custom_title_0")[0].attrs["value"] == "How did you hear of us?"


def test_a_choice_question_without_choices_is_refused_with_the_rules_message(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0)
    page = f"/manage/webinars/{webinar_id}/questions"

    answer = post_form(
        signed,
        page,
        page,
        {
            "ask_last_name": "optional",
            "custom_title_0": "Size",
            "custom_type_0": "multiple",
        },
    )

    assert answer.status_code == 400
    assert Tree(answer.text).text(id="custom_questions-error") == (
        "Invalid parameter: custom_questions. Size needs 1 to 50 non-empty answers."
    )
    assert webinar_row(session, webinar_id).registration_questions == ""
