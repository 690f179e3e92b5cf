"""uuid/list, attendees/list, polls and questions over sessions that ran."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import Role
from podium.db.models import Panelist
from podium.ids import Ids
from podium.services import instances, polls, webinars
from podium.services.instances import Participant
from tests.conftest import AccountKeys
from tests.http.helpers import STYLES, Style, error, v1
from tests.http.live_helpers import answer_poll, attendee, minutes, run_session, webinar_row
from tests.http.registration_helpers import create_webinar, register

NOT_ENDED = error(3001, "Webinar ID is invalid or not end.")


def arrange(client: TestClient, account: AccountKeys, session: Session) -> int:
    """Ann joins twice, Ben once (left open until the end), Cat never; Dan is pending."""
    webinar_id = create_webinar(
        client, account, approval_type=0, panelists='[{"name": "Pam Panel", "email": "pam@x.io"}]'
    )
    register(
        client,
        account,
        webinar_id,
        "ann@x.io",
        first_name="Ann",
        last_name="Ash",
        city="Paris",
        custom_questions='[{"title": "Team", "value": "Blue"}]',
    )
    register(client, account, webinar_id, "ben@x.io", first_name="Ben", last_name="Birch")
    register(client, account, webinar_id, "cat@x.io", first_name="Cat", last_name="Cole")
    cancelled = register(client, account, webinar_id, "eve@x.io", first_name="Eve")
    v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=cancelled["registrant_id"]),
    )
    ann, ben = attendee(session, "ann@x.io"), attendee(session, "ben@x.io")
    pam = session.execute(select(Panelist)).scalar_one()
    panelist = Participant(Role.PANELIST, pam.name, pam.email, panelist_pk=pam.id)
    run_session(
        session,
        webinar_id,
        start=0,
        end=60,
        joins=[(ann, 1, 10.5), (ben, 2, None), (ann, 20, 45), (panelist, 0, 60)],
    )
    return webinar_id


@pytest.mark.parametrize("style", STYLES)
def test_attendees_list_a_row_per_join_then_the_absent(
    style: Style, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = arrange(client, account, session)

    body = v1(client, "webinar/attendees/list", account.host_params(id=webinar_id), style)

    ann = {
        "first_name": "Ann",
        "last_name": "Ash",
        "email": "ann@x.io",
        "attended": "Yes",
        "custom_questions": {"Team": "Blue"},
        "questions": {"city": "Paris"},
    }
    assert body == {
        "attendees": [
            {
                **ann,
                "join_time": "2026-01-15T12:01:00Z",
                "leave_time": "2026-01-15T12:10:30Z",
                "time_in_session": "9",
            },
            {
                "first_name": "Ben",
                "last_name": "Birch",
                "email": "ben@x.io",
                "join_time": "2026-01-15T12:02:00Z",
                "leave_time": "2026-01-15T13:00:00Z",
                "time_in_session": "58",
                "attended": "Yes",
                "custom_questions": {},
                "questions": {},
            },
            {
                **ann,
                "join_time": "2026-01-15T12:20:00Z",
                "leave_time": "2026-01-15T12:45:00Z",
                "time_in_session": "25",
            },
            {
                "first_name": "Cat",
                "last_name": "Cole",
                "email": "cat@x.io",
                "join_time": "",
                "leave_time": "",
                "time_in_session": "0",
                "attended": "No",
                "custom_questions": {},
                "questions": {},
            },
        ]
    }


def test_attendees_list_of_walk_ins(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)
    walk_in = Participant(Role.ATTENDEE, "Zed Zulu Zeta", "zed@x.io")
    run_session(session, webinar_id, start=0, end=5, joins=[(walk_in, 1, 4)])

    body = v1(client, "webinar/attendees/list", account.host_params(id=webinar_id))

    assert body == {
        "attendees": [
            {
                "first_name": "Zed",
                "last_name": "Zulu Zeta",
                "email": "zed@x.io",
                "join_time": "2026-01-15T12:01:00Z",
                "leave_time": "2026-01-15T12:04:00Z",
                "time_in_session": "3",
                "attended": "Yes",
                "custom_questions": {},
                "questions": {},
            }
        ]
    }


def test_uuid_list_one_entry_per_ended_session(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)
    empty = v1(client, "webinar/uuid/list", account.host_params(id=webinar_id))
    first = run_session(session, webinar_id, start=0, end=5, joins=[], seed=1)
    second = run_session(session, webinar_id, start=10, end=15, joins=[], seed=2)

    body = v1(client, "webinar/uuid/list", account.host_params(id=webinar_id))

    assert empty == {"webinars": []}
    assert body == {
        "webinars": [
            {"uuid": first.uuid, "start_time": "2026-01-15T12:00:00Z"},
            {"uuid": second.uuid, "start_time": "2026-01-15T12:10:00Z"},
        ]
    }


def test_reports_default_to_the_latest_session_and_take_a_uuid(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)
    early = Participant(Role.ATTENDEE, "Early Bird", "early@x.io")
    late = Participant(Role.ATTENDEE, "Late Owl", "late@x.io")
    first = run_session(session, webinar_id, start=0, end=5, joins=[(early, 1, 2)], seed=1)
    run_session(session, webinar_id, start=10, end=15, joins=[(late, 11, 12)], seed=2)

    latest = v1(client, "webinar/attendees/list", account.host_params(id=webinar_id))
    chosen = v1(
        client, "webinar/attendees/list", account.host_params(id=webinar_id, uuid=first.uuid)
    )
    spaced = client.post(
        f"/v1/webinar/attendees/list?uuid={first.uuid}", data=account.host_params(id=webinar_id)
    ).json()

    assert [a["email"] for a in latest["attendees"]] == ["late@x.io"]
    assert [a["email"] for a in chosen["attendees"]] == ["early@x.io"]
    assert spaced == chosen  # a raw "+" in a query string arrives as a space


@pytest.mark.parametrize("action", ["webinar/attendees/list", "webinar/polls", "webinar/questions"])
def test_reports_of_a_webinar_that_has_not_ended_are_3001(
    action: str, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)
    never = v1(client, action, account.host_params(id=webinar_id))
    run_session(session, webinar_id, start=0, end=5, joins=[])

    unknown_uuid = v1(client, action, account.host_params(id=webinar_id, uuid="nope=="))

    assert never == NOT_ENDED
    assert unknown_uuid == NOT_ENDED


def test_reports_of_a_running_session_are_3001(
    client: TestClient, account: AccountKeys, session: Session
) -> None:

    webinar_id = create_webinar(client, account, approval_type=2)
    running = instances.start_instance(
        session, webinar_row(session, webinar_id), ids=Ids.seeded(9), now=minutes(0)
    )
    session.flush()

    body = v1(client, "webinar/polls", account.host_params(id=webinar_id, uuid=running.uuid))

    assert body == NOT_ENDED


def test_polls_grouped_per_participant(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = arrange(client, account, session)
    ann, ben = attendee(session, "ann@x.io"), attendee(session, "ben@x.io")
    instance = run_session(session, webinar_id, start=100, end=110, joins=[], seed=5)
    answer_poll(
        session,
        webinar_id,
        instance,
        [
            (ann, {"Mood?": ["Good"], "Topics?": ["C", "A"]}),
            (ben, {"Mood?": ["Bad"]}),
            (ann, {"Mood?": ["Bad"], "Topics?": ["B"]}),  # answering again replaces
        ],
    )

    body = v1(client, "webinar/polls", account.host_params(id=webinar_id, uuid=instance.uuid))

    assert body == {
        "id": webinar_id,
        "uuid": instance.uuid,
        "start_time": "2026-01-15T13:40:00Z",
        "questions": [
            {
                "name": "Ben Birch",
                "email": "ben@x.io",
                "question_details": [{"question": "Mood?", "answer": "Bad"}],
            },
            {
                "name": "Ann Ash",
                "email": "ann@x.io",
                "question_details": [
                    {"question": "Mood?", "answer": "Bad"},
                    {"question": "Topics?", "answer": "B"},
                ],
            },
        ],
    }


def test_questions_grouped_per_participant(
    client: TestClient, account: AccountKeys, session: Session
) -> None:

    webinar_id = arrange(client, account, session)
    ann, ben = attendee(session, "ann@x.io"), attendee(session, "ben@x.io")
    webinar = webinar_row(session, webinar_id)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(7), now=minutes(100))
    first = polls.ask(session, instance, ann, " Slides? ", now=minutes(101))
    polls.ask(session, instance, ben, "Recording?", now=minutes(102))
    polls.ask(session, instance, ann, "Next date?", now=minutes(103))
    polls.reply(session, instance, first.id, "Tonight", now=minutes(104))
    webinars.end_webinar(session, webinar, now=minutes(110))
    session.flush()

    body = v1(client, "webinar/questions", account.host_params(id=webinar_id))

    assert body == {
        "id": webinar_id,
        "uuid": instance.uuid,
        "start_time": "2026-01-15T13:40:00Z",
        "questions": [
            {
                "name": "Ann Ash",
                "email": "ann@x.io",
                "question_details": [
                    {"question": "Slides?", "answer": "Tonight"},
                    {"question": "Next date?", "answer": ""},
                ],
            },
            {
                "name": "Ben Birch",
                "email": "ben@x.io",
                "question_details": [{"question": "Recording?", "answer": ""}],
            },
        ],
    }
