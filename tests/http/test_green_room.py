"""The host console's green room: opening (or reloading) a start link starts nothing; the
webinar goes live when the host says so — confirmed when early, and when a new session
follows an end; v1 `webinar/end` and the started/ended events behave as before."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.codes import Role
from podium.events import WebinarEnded, WebinarStarted
from podium.services import green_room, registrants, resend
from podium.services.instances import Participant
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import v1
from tests.http.live_helpers import answer_poll, attendee, run_session, webinar_row
from tests.http.page_helpers import Tree
from tests.http.registration_helpers import (
    create_series,
    create_webinar,
    register,
    registrant_rows,
)
from tests.http.test_events import recorder
from tests.http.test_live import act, host_pass, instances, local

EARLY = {
    "error": "This webinar is scheduled to start later: confirm to go live now.",
    "confirm": "early",
}
AGAIN = {"error": "This webinar has ended: confirm to start a new session.", "confirm": "again"}


def status(client: TestClient, account: AccountKeys, webinar_id: int) -> int:
    return int(v1(client, "webinar/get", account.host_params(id=webinar_id))["status"])


def console(client: TestClient, account: AccountKeys, webinar_id: int) -> str:
    start_url = v1(client, "webinar/get", account.host_params(id=webinar_id))["start_url"]
    return local(start_url)


def test_opening_and_reloading_the_start_link_starts_nothing(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, start_time="2026-02-15T10:00:00Z")
    url = console(client, account, webinar_id)

    pages = [client.get(url) for _ in range(3)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert Tree(pages[0].text).text(id="go-live") == "Go live"
    assert status(client, account, webinar_id) == 0
    assert instances(session) == []


def test_going_live_early_needs_a_confirmation(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account, start_time="2026-02-15T10:00:00Z")
    token = host_pass(client, account, webinar_id)
    heard = recorder(runtime)

    refused = act(client, webinar_id, token, "start")
    before = status(client, account, webinar_id)
    confirmed = act(client, webinar_id, token, "start", {"early": True})
    reconnected = act(client, webinar_id, token, "start")

    [instance] = instances(session)
    assert refused == (409, EARLY)
    assert before == 0
    assert confirmed == reconnected == (200, {"uuid": instance.uuid, "status": "live"})
    assert status(client, account, webinar_id) == 1
    assert [(type(e), e.instance_uuid) for e in heard if isinstance(e, WebinarStarted)] == [
        (WebinarStarted, instance.uuid)
    ]


def test_going_live_on_time_needs_no_confirmation(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, start_time="2026-01-15T12:30:00Z", duration=60)
    token = host_pass(client, account, webinar_id)
    clock.advance(minutes=30)

    answer = act(client, webinar_id, token, "start")

    [instance] = instances(session)
    assert answer == (200, {"uuid": instance.uuid, "status": "live"})


def test_after_the_end_a_new_session_needs_a_confirmation(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    token = host_pass(client, account, webinar_id)
    act(client, webinar_id, token, "start", {"early": True})
    heard = recorder(runtime)
    v1(client, "webinar/end", account.host_params(id=webinar_id))  # the v1 end, as before
    [first] = instances(session)

    reloaded = client.get(console(client, account, webinar_id))
    refused = act(client, webinar_id, token, "start", {"early": True})
    after_refusal = (status(client, account, webinar_id), len(instances(session)))
    confirmed = act(client, webinar_id, token, "start", {"again": True})

    second = instances(session)[1]
    assert reloaded.status_code == 200
    assert [(type(e), e.instance_uuid) for e in heard if isinstance(e, WebinarEnded)] == [
        (WebinarEnded, first.uuid)
    ]
    assert first.ended_at == NOW
    assert refused == (409, AGAIN)
    assert after_refusal == (2, 1)
    assert confirmed == (200, {"uuid": second.uuid, "status": "live"})
    assert (second.uuid != first.uuid, second.ended_at) == (True, None)
    uuids = v1(client, "webinar/uuid/list", account.host_params(id=webinar_id))["webinars"]
    assert [run["uuid"] for run in uuids] == [first.uuid]  # ended sessions only


def test_the_green_room_lists_the_host_and_panelists_waiting(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    webinar = webinar_row(session, webinar_id)
    host = Participant(Role.HOST, "Host", "host@acme.test")
    panelist = Participant(Role.PANELIST, "Pat", "pat@x.io")
    app: Any = client.app
    staff = app.state.hub.subscribe(webinar_id, Role.PANELIST)
    audience = app.state.hub.subscribe(webinar_id, Role.ATTENDEE)

    def work(s: Session) -> list[green_room.Waiting]:
        green_room.enter(s, webinar_row(s, webinar_id), host, now=NOW)
        visit = green_room.enter(s, webinar_row(s, webinar_id), panelist, now=NOW)
        green_room.enter(s, webinar_row(s, webinar_id), panelist, now=NOW)  # a second tab
        green_room.leave(s, visit, now=NOW)
        return green_room.waiting(s, webinar.seq)

    people = runtime.run(work, writes=True)
    lost = runtime.run(
        lambda s: green_room.close_lost(
            s, now=NOW + timedelta(seconds=31), timeout=timedelta(seconds=30)
        ),
        writes=True,
    )

    assert people == [
        green_room.Waiting(Role.HOST, "Host"),
        green_room.Waiting(Role.PANELIST, "Pat"),
    ]
    assert lost == 2
    assert green_room.waiting(session, webinar.seq) == []
    deadline = time.monotonic() + 60  # on PostgreSQL the messages make a NOTIFY round trip
    while staff.queue.qsize() < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    frames = [staff.queue.get_nowait() for _ in range(staff.queue.qsize())]
    assert [(f.event, f.text.split("data: ")[1]) for f in frames] == [
        (
            "green_room",
            '{"people": [{"name": "Host", "role": "host"}, {"name": "Pat", "role": "panelist"}]}\n\n',
        ),
        ("green_room", '{"people": []}\n\n'),
    ]
    assert audience.queue.empty()


def test_the_report_page_tells_what_the_sessions_held(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, topic="Launch", timezone="Europe/Paris")
    register(client, account, webinar_id, "ann@x.io", first_name="Ann")
    register(client, account, webinar_id, "bob@x.io", first_name="Bob")
    ann = attendee(session, "ann@x.io")
    instance = run_session(session, webinar_id, start=0, end=45, joins=[(ann, 5, 40)])
    answer_poll(session, webinar_id, instance, [(ann, {"Mood?": ["Good"], "Topics?": ["A", "C"]})])
    url = console(client, account, webinar_id).replace("?zak=", "/report?zak=")

    response = client.get(url)
    forged = client.get(url.split("zak=")[0] + "zak=forged")

    tree = Tree(response.text)
    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert tree.text(id="session-1") == "Session of Jan 15, 2026, 1:00:00 PM"
    rows = [[cell.content() for cell in row.children] for row in tree.tags("tr")]
    assert rows == [
        ["Name", "E-mail address", "Joined", "Left", "Minutes"],
        ["Ann Lovelace", "ann@x.io", "1:05 PM", "1:40 PM", "35"],
    ]
    assert "Registered but did not come: Bob Lovelace" in response.text
    counts = [node.content() for node in tree.find(**{"class": "result__count"})]
    assert counts == [
        "1 vote · 100%",
        "0 votes · 0%",
        "1 vote · 50%",
        "0 votes · 0%",
        "1 vote · 50%",
    ]
    assert forged.status_code == 403


def test_when_a_series_or_a_webinar_without_a_time_may_go_live(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    series = create_series(client, account, registration_type=1)  # from 2026-02-01T10:00Z
    anytime = create_webinar(client, account, type=6)
    early = act(client, series, host_pass(client, account, series), "start")
    clock.advance(days=17, hours=22)  # 2026-02-01T10:00:00Z: the first occurrence's start
    on_time = act(client, series, host_pass(client, account, series), "start")
    whenever = act(client, anytime, host_pass(client, account, anytime), "start")

    assert early == (409, EARLY)
    assert (on_time[0], whenever[0]) == (200, 200)


def test_only_a_pending_or_approved_registrant_is_sent_the_link_again(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    owner = register(client, account, webinar_id, "ada@x.io")
    webinar = webinar_row(session, webinar_id)
    registrants.deny(session, webinar, [owner["registrant_id"]], name="ids", now=NOW)
    [person] = registrant_rows(session)

    sent = resend.send_link_again(session, webinar, person, now=NOW)

    assert (sent, person.link_sent_at) == (False, None)
