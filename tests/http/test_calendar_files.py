""" "Add to calendar": the .ics files the pages offer — the webinar's for anyone, a
registrant's own with their join link — the same event (UID) their e-mails carry."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar
from starlette.testclient import TestClient

from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.http.registration_helpers import create_series, create_webinar, register


def events(body: bytes) -> tuple[Calendar, list[Any]]:
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_anyone_gets_the_webinars_calendar_file(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(
        client, account, topic="Launch", agenda="Slides and demo", timezone="Europe/Paris"
    )

    response = client.get(f"/webinar/register/{webinar_id}/calendar.ics")

    calendar, [event] = events(response.content)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="webinar-{webinar_id}.ics"'
    )
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"podium-webinar-{webinar_id}@podium.test"
    assert str(event["SUMMARY"]) == "Launch"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTSTART"].dt.isoformat() == "2026-02-01T11:00:00+01:00"
    assert str(event["URL"]) == f"https://podium.test/webinar/register/{webinar_id}"
    assert str(event["DESCRIPTION"]) == (
        f"Slides and demo\n\nhttps://podium.test/webinar/register/{webinar_id}"
    )
    assert "ATTENDEE" not in event


def test_a_registrant_gets_their_own_with_the_join_link(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_series(client, account, registration_type=2)
    first = "1769940000000"
    owner = register(client, account, webinar_id, "ada@x.io", occurrence_ids=first)
    path = owner["join_url"].replace("https://podium.test/w/", "/w/").replace("?", "/calendar.ics?")

    response = client.get(path)

    _, [event] = events(response.content)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert str(event["URL"]) == owner["join_url"]
    assert str(event["ATTENDEE"]) == "mailto:ada@x.io"
    assert event["DTSTART"].dt.isoformat() == "2026-02-01T10:00:00+00:00"
    assert "RDATE" not in event  # only the occurrence they chose


def test_calendar_files_of_links_that_do_not_open_are_refused(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)
    owner = register(client, account, webinar_id, "ada@x.io")
    path = owner["join_url"].replace("https://podium.test/w/", "/w/").replace("?", "/calendar.ics?")
    v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=owner["registrant_id"]),
    )
    no_time = create_webinar(client, account, type=6)

    cancelled = client.get(path)
    forged = client.get(f"/w/{webinar_id}/calendar.ics?tk=forged")
    timeless = client.get(f"/webinar/register/{no_time}/calendar.ics")
    unknown = client.get("/webinar/register/1234567890/calendar.ics")

    assert (cancelled.status_code, forged.status_code) == (403, 403)
    assert "This registration was cancelled." in cancelled.text
    assert (timeless.status_code, unknown.status_code) == (404, 404)
