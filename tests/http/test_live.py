"""Host start links, walk-in joins and the live actions (the event stream is driven by the
browser tests)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import Attendance, Poll, PollAnswer, QaQuestion, WebinarInstance
from podium.errors import InvalidParameter
from podium.services.polls import parse_poll
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import v1
from tests.http.live_helpers import webinar_row
from tests.http.registration_helpers import create_webinar, register

PASS = re.compile(r'data-pass="([^"]+)"')


def local(url: str) -> str:
    return url.replace(PUBLIC_URL, "")


def host_pass(client: TestClient, account: AccountKeys, webinar_id: int) -> str:
    start_url = v1(client, "webinar/get", account.host_params(id=webinar_id))["start_url"]
    response = client.get(local(start_url))
    assert response.status_code == 200
    found = PASS.search(response.text)
    assert found is not None
    return found.group(1)


def attendee_pass(client: TestClient, account: AccountKeys, webinar_id: int, email: str) -> str:
    link = register(client, account, webinar_id, email)["join_url"]
    found = PASS.search(client.get(local(link)).text)
    assert found is not None
    return found.group(1)


def act(
    client: TestClient, webinar_id: int, token: str, action: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    response = client.post(
        f"/live/{webinar_id}/{action}",
        json={} if body is None else body,
        headers={"x-podium-pass": token},
    )
    return response.status_code, response.json()


def frame_id(app: Any, frame: Any) -> str:
    return f"{app.state.hub.epoch}-{frame.seq}"


def instances(session: Session) -> list[WebinarInstance]:
    session.expire_all()
    return list(session.execute(select(WebinarInstance)).scalars())


def test_start_link_opens_the_console_without_starting(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, topic="Console")

    token = host_pass(client, account, webinar_id)

    assert token
    assert instances(session) == []


def test_start_starts_once_and_reopens_the_same_session(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    token = host_pass(client, account, webinar_id)

    first = act(client, webinar_id, token, "start", {"early": True})
    again = act(client, webinar_id, token, "start")

    [instance] = instances(session)
    assert first == again == (200, {"uuid": instance.uuid, "status": "live"})
    assert webinar_row(session, webinar_id).status == 1


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("forged", "This start link is not valid."),
        ("other host", "This start link is not valid."),
        ("expired", "This start link has expired: get a new one with webinar/get."),
        ("deleted", "This start link is not valid."),
    ],
)
def test_start_link_refusals_are_403(
    case: str,
    reason: str,
    client: TestClient,
    account: AccountKeys,
    other_account: AccountKeys,
    clock: FixedClock,
    session: Session,
) -> None:
    webinar_id = create_webinar(client, account)
    url = local(v1(client, "webinar/get", account.host_params(id=webinar_id))["start_url"])
    if case == "forged":
        url = url.split("zak=")[0] + "zak=" + "A" * 54
    if case == "other host":
        theirs = create_webinar(client, other_account)
        other_url = v1(client, "webinar/get", other_account.host_params(id=theirs))["start_url"]
        url = f"/s/{webinar_id}?zak=" + other_url.split("zak=")[1]
    if case == "expired":
        clock.advance(hours=2)
    if case == "deleted":
        v1(client, "webinar/delete", account.host_params(id=webinar_id))

    response = client.get(url)

    assert response.status_code == 403
    assert reason in response.text
    assert 'id="live"' not in response.text
    assert instances(session) == []


def test_live_actions_need_a_valid_pass_and_role(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)
    attendee = attendee_pass(client, account, webinar_id, "a@x.io")

    forged = act(client, webinar_id, "abc.def", "start")
    wrong_webinar = act(client, 1234567890, attendee, "ask", {"question": "Hi"})
    not_host = act(client, webinar_id, attendee, "end")
    unknown = act(client, webinar_id, attendee, "dance")
    not_running = act(client, webinar_id, attendee, "ask", {"question": "Hi"})

    assert forged == (403, {"error": "This pass is not valid."})
    assert wrong_webinar == (403, {"error": "This pass is not valid."})
    assert not_host == (403, {"error": "Not allowed for your role."})
    assert unknown == (404, {"error": "Unknown live action."})
    assert not_running == (409, {"error": "The webinar is not running."})


def test_live_bodies_must_be_json_objects(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)
    token = host_pass(client, account, webinar_id)

    text = client.post(f"/live/{webinar_id}/polls", content=b"{", headers={"x-podium-pass": token})
    array = act(client, webinar_id, token, "polls", [])  # type: ignore[arg-type]

    assert (text.status_code, text.json()) == (400, {"error": "The body is not JSON."})
    assert array == (400, {"error": "The body must be a JSON object."})


def test_polls_questions_and_answers_are_stored(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    host = host_pass(client, account, webinar_id)
    ann = attendee_pass(client, account, webinar_id, "ann@x.io")
    act(client, webinar_id, host, "start", {"early": True})
    definition = {"title": "Pulse", "questions": [{"name": "Mood?", "answers": ["Good", "Bad"]}]}

    created = act(client, webinar_id, host, "polls", definition)
    poll_id = session.execute(select(Poll.id)).scalar_one()
    launched = act(client, webinar_id, host, "launch", {"poll_id": str(poll_id)})
    voted = act(
        client, webinar_id, ann, "vote", {"poll_id": poll_id, "answers": {"Mood?": ["Good"]}}
    )
    bad_vote = act(
        client, webinar_id, ann, "vote", {"poll_id": poll_id, "answers": {"Mood?": ["x"]}}
    )
    asked = act(client, webinar_id, ann, "ask", {"question": "Slides?"})
    question_id = session.execute(select(QaQuestion.id)).scalar_one()
    replied = act(client, webinar_id, host, "reply", {"question_id": question_id, "answer": "Yes"})
    no_such = act(client, webinar_id, host, "launch", {"poll_id": poll_id + 1000})

    assert created == (200, {"poll_id": poll_id})
    assert launched == (200, {"launched": poll_id})
    assert voted == (200, {"voted": poll_id})
    assert bad_vote == (400, {"error": "Invalid parameter: answers. Not a valid answer to Mood?"})
    assert asked == (
        200,
        {"question_id": question_id, "name": "Ada Lovelace", "question": "Slides?"},
    )
    assert replied == (
        200,
        {"question_id": question_id, "question": "Slides?", "answer": "Yes", "private": False},
    )
    assert no_such == (400, {"error": "Invalid parameter: poll_id. No such poll in this webinar."})
    assert [
        (a.email, a.question, a.answer) for a in session.execute(select(PollAnswer)).scalars()
    ] == [("ann@x.io", "Mood?", "Good")]
    assert [(q.question, q.answer) for q in session.execute(select(QaQuestion)).scalars()] == [
        ("Slides?", "Yes")
    ]


@pytest.mark.parametrize(
    ("poll", "reason"),
    [
        ([], "It must be a JSON object."),
        ({"title": "", "questions": []}, "title needs 1 to 300 characters."),
        ({"title": "T", "questions": []}, "questions: 1 to 20 objects."),
        ({"title": "T", "questions": ["x"]}, "Each question must be an object."),
        (
            {"title": "T", "questions": [{"name": "Q", "type": "x", "answers": ["a", "b"]}]},
            'type is "single" or "multiple".',
        ),
        (
            {"title": "T", "questions": [{"name": "Q", "answers": ["a"]}]},
            "answers: 2 to 10 choices.",
        ),
        (
            {"title": "T", "questions": [{"name": "Q", "answers": ["a", "a"]}]},
            "answers must differ.",
        ),
    ],
)
def test_poll_definitions_are_validated(poll: Any, reason: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_poll(poll)

    assert str(raised.value) == f"Invalid parameter: poll. {reason}"


def test_live_end_closes_the_session_and_its_attendance(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    host = host_pass(client, account, webinar_id)
    act(client, webinar_id, host, "start", {"early": True})
    clock.advance(minutes=30)

    ended = act(client, webinar_id, host, "end")

    [instance] = instances(session)
    assert ended == (200, {"status": "ended"})
    assert instance.ended_at == clock.now()
    assert webinar_row(session, webinar_id).status == 2
    assert session.execute(select(Attendance)).scalars().all() == []


def test_join_link_of_a_webinar_without_registration(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2, password="s3cret")
    page = client.get(f"/j/{webinar_id}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert csrf is not None
    form = {"csrf": csrf.group(1), "name": "  Walk   In ", "email": "walk@x.io"}

    wrong = client.post(f"/j/{webinar_id}", data={**form, "password": "nope"})
    right = client.post(f"/j/{webinar_id}", data={**form, "password": "s3cret"})

    assert wrong.status_code == 400
    assert "The webinar password is not right." in wrong.text
    assert right.status_code == 200
    assert "Welcome, Walk In." in right.text
    assert right.headers["cache-control"] == "no-store"


def test_join_link_enforces_login_domains(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(
        client,
        account,
        approval_type=2,
        option_enforce_login="true",
        option_enforce_login_domains="acme.test, @corp.test",
    )
    page = client.get(f"/j/{webinar_id}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert csrf is not None

    outsider = client.post(
        f"/j/{webinar_id}", data={"csrf": csrf.group(1), "name": "O", "email": "o@gmail.test"}
    )
    insider = client.post(
        f"/j/{webinar_id}", data={"csrf": csrf.group(1), "name": "I", "email": "i@corp.test"}
    )

    assert outsider.status_code == 400
    assert "only open to e-mail addresses of acme.test, corp.test." in outsider.text
    assert insider.status_code == 200


def test_join_link_refuses_without_csrf(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=2)

    response = client.post(f"/j/{webinar_id}", data={"name": "A", "email": "a@x.io"})

    assert response.status_code == 403
    assert "This form expired or came from another site." in response.text
    assert 'data-pass="' not in response.text
    assert session.scalars(select(Attendance)).all() == []


def test_join_link_of_a_webinar_with_registration_points_to_it(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0)

    response = client.get(f"/j/{webinar_id}")
    missing = client.get("/j/1234567890")
    odd_digits = client.get("/j/²")

    assert response.status_code == 200
    assert f'href="{PUBLIC_URL}/webinar/register/{webinar_id}"' in response.text
    assert missing.status_code == odd_digits.status_code == 404


def test_personal_link_refused_outside_the_login_domains(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(
        client, account, option_enforce_login="1", option_enforce_login_domains="acme.test"
    )
    link = register(client, account, webinar_id, "a@x.io")["join_url"]

    response = client.get(local(link))

    assert response.status_code == 403
    assert "only open to e-mail addresses of acme.test." in response.text


def test_pass_expires(client: TestClient, account: AccountKeys, clock: FixedClock) -> None:
    webinar_id = create_webinar(client, account)
    token = host_pass(client, account, webinar_id)
    clock.advance(hours=2, seconds=1)

    assert act(client, webinar_id, token, "start") == (403, {"error": "This pass is not valid."})


def test_v1_end_tells_every_live_page(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)
    app: Any = client.app
    listener = app.state.hub.subscribe(webinar_id, "attendee")

    v1(client, "webinar/end", account.host_params(id=webinar_id))

    deadline = time.monotonic() + 60  # on PostgreSQL the event makes a NOTIFY round trip
    while listener.queue.empty() and time.monotonic() < deadline:
        time.sleep(0.01)
    frame = listener.queue.get_nowait()
    assert (frame.event, frame.text) == (
        "ended",
        f"id: {frame_id(app, frame)}\nevent: ended\ndata: {{}}\n\n",
    )
