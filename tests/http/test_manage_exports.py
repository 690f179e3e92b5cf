"""The organiser's CSV exports (docs/exports.md): every row equals what the v1 and v2 reports
give for the same session; UTF-8 with a BOM; formulas neutralised; a script's bearer token
lets it in; another account's webinar answers exactly like one that never existed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.services.exports import (
    ABSENTEE_COLUMNS,
    ATTENDEE_COLUMNS,
    POLL_COLUMNS,
    QUESTION_COLUMNS,
    REGISTRANT_COLUMNS,
)
from podium.web.manage_exports import neutralised
from podium.web.runtime import Runtime
from tests.conftest import AccountKeys
from tests.http.export_helpers import BOM, arrange, cell, export, rows
from tests.http.helpers import v1
from tests.http.test_v2_reports import all_pages
from tests.http.v2_helpers import V2


def table(v2: V2, webinar_id: int, kind: str, **params: str) -> list[list[str]]:
    return rows(export(v2, webinar_id, kind, **params))


def test_registrants_csv_equals_the_v2_registrants_with_formulas_neutralised(
    v2: V2, runtime: Runtime
) -> None:
    webinar_id, _ = arrange(v2, runtime)
    listed = all_pages(v2, f"/webinars/{webinar_id}/registrants", "registrants")
    response = export(v2, webinar_id, "registrants")

    assert response.content.startswith(BOM + b"registrant_id,first_name,last_name,email,")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="webinar-{webinar_id}-registrants.csv"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    header, *body = rows(response)
    assert header == list(REGISTRANT_COLUMNS)
    expected = [
        [cell(str(item["id"] if name == "registrant_id" else item[name])) for name in header[:-1]]
        + [json.dumps(item["custom_questions"], ensure_ascii=False, separators=(",", ":"))]
        for item in listed
    ]
    assert body == expected
    assert [line[1:3] for line in body[:4]] == [
        ['\'=HYPERLINK("http://evil.test")', "Doe"],
        ["'+1", "'@SUM(A1)"],
        ["'-2", "Minus"],
        ["Zoë", "Ünïcode 名字"],
    ]
    assert {line[header.index("city")] for line in body} == {"'=1+1"}


def test_attendees_and_absentees_csv_equal_the_v1_and_v2_reports(
    v2: V2, client: TestClient, account: AccountKeys, runtime: Runtime
) -> None:
    webinar_id, story = arrange(v2, runtime)
    attendees = v1(client, "webinar/attendees/list", account.host_params(id=webinar_id))
    participants = all_pages(v2, f"/past_webinars/{webinar_id}/participants", "participants")
    absent = all_pages(v2, f"/past_webinars/{webinar_id}/absentees", "registrants")

    header, *joins = table(v2, webinar_id, "attendees")
    came = [a for a in attendees["attendees"] if a["attended"] == "Yes"]
    assert header == list(ATTENDEE_COLUMNS)
    assert joins == [
        [
            *(cell(a[name]) for name in ("first_name", "last_name", "email")),
            a["join_time"],
            a["leave_time"],
            a["time_in_session"],
            p["registrant_id"],
        ]
        for a, p in zip(came, participants, strict=True)
    ]
    assert len(joins) == sum(len(a["joins"]) for a in story["attendees"]) > 0

    header, *absentees = table(v2, webinar_id, "absentees")
    assert header == list(ABSENTEE_COLUMNS)
    assert absentees == [
        [r["id"], cell(r["first_name"]), cell(r["last_name"]), r["email"], r["create_time"]]
        for r in absent
    ]
    assert [line[0] for line in absentees] == story["absent_registrant_ids"]
    assert absentees  # the seed leaves some registrants out


def test_polls_and_questions_csv_equal_the_v2_reports(v2: V2, runtime: Runtime) -> None:
    webinar_id, story = arrange(v2, runtime)
    polls = v2.get(f"/report/webinars/{webinar_id}/polls").json()
    qa = v2.get(f"/report/webinars/{webinar_id}/qa").json()

    header, *answers = table(v2, webinar_id, "polls")
    assert header == list(POLL_COLUMNS)
    reported = [
        [
            d["polling_id"],
            "Pulse",
            cell(p["name"]),
            p["email"],
            d["question"],
            d["answer"],
            d["date_time"],
        ]
        for p in polls["questions"]
        for d in p["question_details"]
    ]
    assert sorted(answers) == sorted(reported)
    assert len(answers) == len(story["poll_answers"]) > 0

    header, *asked = table(v2, webinar_id, "questions")
    assert header == list(QUESTION_COLUMNS)
    reported = [
        [
            d["question_id"],
            cell(p["name"]),
            p["email"],
            cell(d["question"]),
            cell(d["answer"]),
            d["question_status"],
            d["create_time"],
            d["answer_details"][0]["create_time"] if d["answer_details"] else "",
        ]
        for p in qa["questions"]
        for d in p["question_details"]
    ]
    assert asked == sorted(reported, key=lambda line: int(line[0]))
    assert len(asked) == 3


def test_uuid_chooses_the_session_and_an_unknown_one_is_not_found(v2: V2, runtime: Runtime) -> None:
    webinar_id, story = arrange(v2, runtime)
    latest = export(v2, webinar_id, "attendees")
    chosen = export(v2, webinar_id, "attendees", uuid=story["uuid"])
    unknown = export(v2, webinar_id, "attendees", uuid="nope")

    assert chosen.content == latest.content
    assert chosen.headers["content-disposition"] == (
        f'attachment; filename="webinar-{webinar_id}-attendees-20260120T1000Z.csv"'
    )
    assert (unknown.status_code, unknown.text) == (
        404,
        "This webinar has no ended session with that uuid, or none yet.",
    )


def _answer(response: Any) -> tuple[int, str, str, str]:
    return (
        response.status_code,
        response.text,
        response.headers["content-type"],
        response.headers["cache-control"],
    )


def test_another_accounts_webinar_answers_like_one_that_never_existed(
    v2: V2, other_v2: V2, runtime: Runtime
) -> None:
    webinar_id, _ = arrange(v2, runtime)
    for kind in ("registrants", "attendees", "absentees", "polls", "questions"):
        theirs = export(other_v2, webinar_id, kind)
        nobody = export(other_v2, 98765432101, kind)
        garbage = export(other_v2, quote("x'; drop"), kind)
        assert _answer(theirs) == _answer(nobody) == _answer(garbage)
        assert _answer(theirs) == (
            404,
            "There is no webinar at this address.",
            "text/plain; charset=utf-8",
            "private, no-store",
        )


def test_cells_that_could_be_formulas_start_with_a_quote() -> None:
    cells = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "", "a=b", "1-2", "'=x", " =x"]
    assert [neutralised(value) for value in cells] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "'\rx",
        "",
        "a=b",
        "1-2",
        "'=x",
        " =x",
    ]


def test_no_token_or_a_bad_one_is_401(
    v2: V2, client: TestClient, runtime: Runtime, clock: FixedClock
) -> None:
    webinar_id, _ = arrange(v2, runtime)
    path = f"/manage/webinars/{webinar_id}/registrants.csv"
    answers = [
        client.get(path),
        client.get(path, headers={"Authorization": "Bearer not-a-token"}),
        client.get(path, headers={"Authorization": "Basic eDp5"}),
        client.get(path, params={"access_token": v2.token}),
    ]
    clock.advance(hours=1, seconds=1)  # the token's hour is over
    answers.append(export(v2, webinar_id, "registrants"))
    for response in answers:
        assert response.status_code == 401
        assert response.text == (
            "Sign in at /manage, or send the account's v2 token: Authorization: Bearer <token>."
        )
        assert response.headers["www-authenticate"] == 'Bearer realm="podium"'


def test_a_webinar_with_no_ended_session_exports_its_registrants_only(v2: V2) -> None:
    body = {"topic": "Soon", "start_time": "2026-03-01T10:00:00Z", "settings": {"approval_type": 0}}
    webinar_id = v2.post("/users/me/webinars", body).json()["id"]

    assert table(v2, webinar_id, "registrants") == [list(REGISTRANT_COLUMNS)]
    for kind in ("attendees", "absentees", "polls", "questions"):
        response = export(v2, webinar_id, kind)
        assert (response.status_code, response.text) == (
            404,
            "This webinar has no ended session with that uuid, or none yet.",
        )


def test_custom_answers_are_one_json_column(v2: V2) -> None:
    body = {"topic": "Asks", "start_time": "2026-03-01T10:00:00Z", "settings": {"approval_type": 0}}
    webinar_id = v2.post("/users/me/webinars", body).json()["id"]
    form = {"custom_questions": [{"title": "Notes", "type": "short", "required": False}]}
    v2.patch(f"/webinars/{webinar_id}/registrants/questions", form)
    answers = [{"title": "Notes", "value": '=2+3, "quoted" 名字'}]
    person = {"email": "q@x.test", "first_name": "Q", "last_name": "R", "custom_questions": answers}
    v2.post(f"/webinars/{webinar_id}/registrants", person)

    header, line = table(v2, webinar_id, "registrants")
    listed = v2.get(f"/webinars/{webinar_id}/registrants").json()["registrants"]

    cell = line[header.index("custom_questions")]
    assert cell == '[{"title":"Notes","value":"=2+3, \\"quoted\\" 名字"}]'
    assert json.loads(cell) == listed[0]["custom_questions"] == answers
