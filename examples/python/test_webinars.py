"""Podium as the Zoom v1 sandbox of a pytest suite, driven by PyPI zoomus 0.1.7.

    pip install podium zoomus==0.1.7 pytest
    pytest examples/python

The `podium_server` and `podium_account` fixtures come with Podium (a pytest plugin).
"""

from datetime import datetime, timezone

from zoomus import ZoomClient


def zoom_for(server, account):
    client = ZoomClient(account.api_key, account.api_secret)
    for component in client.components.values():
        component.base_uri = server.base_url
    return client


def test_registration_closes_when_the_webinar_is_over(podium_server, podium_account):
    zoom = zoom_for(podium_server, podium_account)
    webinar = zoom.webinar.create(
        host_id=podium_account.host_id, topic="Launch", approval_type=0,
        start_time=datetime(2030, 1, 1, 10, tzinfo=timezone.utc), duration=60,
    ).json()
    person = {"id": webinar["id"], "email": "ann@example.com", "first_name": "Ann", "last_name": "Lee"}

    assert "registrant_id" in zoom.webinar.register(**person).json()
    podium_server.clock.advance(days=365 * 5)  # the server's time is yours
    assert zoom.webinar.register(**person).json()["error"]["code"] == 3038


def test_your_code_handles_a_full_webinar(podium_server, podium_account):
    zoom = zoom_for(podium_server, podium_account)
    webinar = zoom.webinar.create(host_id=podium_account.host_id, topic="Busy", approval_type=0).json()
    podium_server.inject("webinar/register", error_code=3035, message="Webinar is full.", count=1)

    answer = zoom.webinar.register(id=webinar["id"], email="b@example.com", first_name="B", last_name="C")

    assert answer.json() == {"error": {"code": 3035, "message": "Webinar is full."}}
    [call] = podium_server.calls("webinar/register", api_key=podium_account.api_key)
    assert call.params["email"] == "b@example.com"


def test_reports_after_a_simulated_session(podium_server, podium_account):
    zoom = zoom_for(podium_server, podium_account)
    webinar = zoom.webinar.create(
        host_id=podium_account.host_id, topic="Story", approval_type=0,
        start_time=datetime(2030, 2, 1, 10, tzinfo=timezone.utc), duration=30,
    ).json()
    for n in range(4):
        zoom.webinar.register(id=webinar["id"], email=f"p{n}@example.com", first_name=f"P{n}", last_name="Q")

    [session] = podium_server.simulate(webinar["id"], seed=1, show_up_rate=0.5)

    assert len(session["attendees"]) == 2
