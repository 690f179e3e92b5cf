"""The dashboard's live view: who is present in the running session, its polls and
questions; the hub tells it each join and leave (the stream the page listens to)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import Role
from podium.events import ParticipantFacts, ParticipantJoined
from podium.ids import Ids
from podium.services import instances
from podium.services.events import webinar_facts
from podium.web.live_hub import ORGANISER, LiveFeed, LiveHub
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.live_helpers import attendee, webinar_row
from tests.http.page_helpers import Tree
from tests.http.registration_helpers import create_webinar, register


def test_the_live_view_lists_who_is_present_now(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0, topic="Town hall")
    for email in ("ann@ext.test", "bob@ext.test"):
        register(client, account, webinar_id, email, first_name=email[:3].title())
    webinar = webinar_row(session, webinar_id)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(5), now=NOW)
    ann = instances.join(session, instance, attendee(session, "ann@ext.test"), now=NOW)
    instances.join(session, instance, attendee(session, "bob@ext.test"), now=NOW)
    instances.leave(session, ann, now=NOW)
    session.flush()

    tree = Tree(signed.get(f"/manage/webinars/{webinar_id}/live").text)

    assert tree.text(id="live-status") == "Live since 2026-01-15 12:00 UTC"
    assert tree.text(id="present-count") == "1"
    assert [li.content() for li in tree.find(id="present")[0].children] == [
        "Bob Lovelace (attendee, 12:00 UTC)"
    ]
    [page] = [n for n in tree.tags("div") if n.attrs.get("id") == "live"]
    assert page.attrs["data-events"] == f"/manage/webinars/{webinar_id}/live/events"


def test_a_webinar_not_running_says_so(
    signed: TestClient, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0)

    tree = Tree(signed.get(f"/manage/webinars/{webinar_id}/live").text)

    assert tree.text(id="live-status") == (
        "Not running now. This page updates when the session starts."
    )


def test_the_event_stream_refuses_a_person_not_signed_in(
    person: TestClient, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0)

    answer = person.get(f"/manage/webinars/{webinar_id}/live/events")

    assert (answer.status_code, answer.text) == (404, "")


def test_each_join_reaches_the_hosts_stream_with_the_name(
    runtime: Runtime, client: TestClient, account: AccountKeys, session: Session
) -> None:
    hub = LiveHub()
    webinar_id = create_webinar(client, account, approval_type=0)
    subscriber = hub.subscribe(webinar_id, ORGANISER)
    console = hub.subscribe(webinar_id, "host")
    who = ParticipantFacts(Role.ATTENDEE, "Ann Lee", "ann@ext.test", None, 7)
    facts = webinar_facts(webinar_row(session, webinar_id))

    LiveFeed(runtime, hub)(
        [ParticipantJoined(webinar=facts, instance_uuid="u", participant=who, at=NOW)]
    )

    frames = []
    while not subscriber.queue.empty():
        frames.append(subscriber.queue.get_nowait())
    # the names go to the dashboard's view, one frame a batch; the head count comes from the
    # live counts (coalesced) to the view and the host's console alike
    [joined] = [f for f in frames if f.event == "joined"]
    assert joined.text.endswith(
        'event: joined\ndata: {"people": [{"attendance_id": 7, "name": "Ann Lee", '
        '"role": "attendee"}]}\n\n'
    )
    assert {f.event for f in frames} == {"joined", "presence"}
    heard = []
    while not console.queue.empty():
        heard.append(console.queue.get_nowait().event)
    assert "presence" in heard
    assert "joined" not in heard  # the console never carries the names
