"""The dashboard's webinar pages: create and edit through the APIs' rules (their messages next
to the field), local date-times in the chosen zone, recurrence, the list, deletion, and a
second host who cannot reach the owner's webinar by URL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Occurrence, Webinar
from podium.services import sign_in
from podium.settings import Settings
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.manage_helpers import add_host, browser, csrf_of, post_form, second_host, sign_in_as
from tests.http.page_helpers import Tree

WEEKLY = {
    "topic": "Weekly clinic",
    "type": "9",
    "start": "2026-02-02T09:30",
    "timezone": "Europe/Paris",
    "duration": "45",
    "recurrence_type": "2",
    "repeat_interval": "1",
    "weekly_days": ["2", "4"],
    "end": "times",
    "end_times": "4",
    "approval_type": "1",
    "registration_type": "1",
}


def create(client: TestClient, **fields: object) -> Any:
    return post_form(client, "/manage/webinars/new", "/manage/webinars/new", fields)


ONCE = {
    "type": "5",
    "start": "2026-03-01T10:00",
    "timezone": "UTC",
    "duration": "30",
    "approval_type": "0",
}


def create_once(client: TestClient, topic: str, **fields: object) -> Any:
    """A webinar held once (1 March 2026, 10:00 UTC, 30 minutes, no approval) unless `fields`
    say otherwise."""
    return create(client, **{**ONCE, "topic": topic, **fields})


def test_creating_a_recurring_webinar_in_the_hosts_time_zone(
    signed: TestClient, session: Session
) -> None:
    answer = create(signed, **WEEKLY)

    webinar = session.execute(select(Webinar)).scalar_one()
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/manage/webinars/{webinar.id}?done=created"
    assert (webinar.topic, webinar.type, webinar.timezone, webinar.duration) == (
        "Weekly clinic",
        9,
        "Europe/Paris",
        45,
    )
    assert webinar.start_at == datetime(2026, 2, 2, 8, 30, tzinfo=UTC)  # 09:30 in Paris
    assert json.loads(webinar.recurrence or "")["weekly_days"] == [2, 4]
    starts = session.execute(
        select(Occurrence.start_at).where(Occurrence.webinar_seq == webinar.seq)
    ).scalars()
    assert [s.isoformat() for s in starts] == [
        "2026-02-02T08:30:00+00:00",
        "2026-02-04T08:30:00+00:00",
        "2026-02-09T08:30:00+00:00",
        "2026-02-11T08:30:00+00:00",
    ]
    page = Tree(signed.get(answer.headers["location"]).text)
    assert page.text(id="recurrence-summary") == "Every week on Monday, Wednesday; occurrences: 4"
    assert [li.content() for li in page.find(**{"class": "occurrences"})[0].children] == [
        "2026-02-02 09:30 (Europe/Paris) · 45 minutes Delete",
        "2026-02-04 09:30 (Europe/Paris) · 45 minutes Delete",
        "2026-02-09 09:30 (Europe/Paris) · 45 minutes Delete",
        "2026-02-11 09:30 (Europe/Paris) · 45 minutes Delete",
    ]


def test_the_apis_validation_message_shows_next_to_the_field(
    signed: TestClient, session: Session
) -> None:
    answer = create_once(signed, "Bad password", password="has space")

    tree = Tree(answer.text)
    assert answer.status_code == 400
    assert tree.text(id="password-error") == (
        "Invalid parameter: password. Use at most 10 characters of a-z A-Z 0-9 @ - _ *."
    )
    assert tree.find(id="f-topic")[0].attrs["value"] == "Bad password"  # kept for a retry
    assert session.execute(select(Webinar)).all() == []


def test_a_missing_topic_is_named_next_to_its_field(signed: TestClient) -> None:
    answer = create(signed, topic="", type="5", start="2026-03-01T10:00", timezone="UTC")

    assert answer.status_code == 400
    assert Tree(answer.text).text(id="topic-error") == (
        "Invalid parameter: topic. A webinar needs a topic."
    )


def test_editing_changes_the_webinar_through_the_same_rules(
    signed: TestClient, session: Session
) -> None:
    create_once(signed, "Launch")
    webinar = session.execute(select(Webinar)).scalar_one()
    page = f"/manage/webinars/{webinar.id}/edit"

    answer = post_form(
        signed,
        page,
        page,
        {
            "topic": "Launch, moved",
            "type": "5",
            "start": "2026-03-02T18:00",
            "timezone": "America/New_York",
            "duration": "90",
            "approval_type": "1",
        },
    )

    session.refresh(webinar)
    assert answer.headers["location"] == f"/manage/webinars/{webinar.id}?done=saved"
    assert (webinar.topic, webinar.duration, webinar.approval_type) == ("Launch, moved", 90, 1)
    assert webinar.start_at == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    assert webinar.updated_at == NOW


def test_the_list_shows_upcoming_and_past_and_searches(signed: TestClient) -> None:
    create_once(signed, "Spring launch")
    create_once(signed, "Old news", start="2025-03-01T10:00")
    create_once(signed, "Autumn review", start="2026-09-01T10:00")

    def topics(path: str) -> list[str]:
        tree = Tree(signed.get(path).text)
        return [
            a.content()
            for a in tree.tags("a")
            if a.attrs["href"].startswith("/manage/webinars/")
            and a.attrs["href"].count("/") == 3
            and a.attrs["href"].split("/")[3].isdigit()
        ]

    assert topics("/manage/webinars") == ["Spring launch", "Autumn review"]
    assert topics("/manage/webinars?when=past") == ["Old news"]
    assert topics("/manage/webinars?q=LAUNCH") == ["Spring launch"]


def test_deleting_a_webinar_needs_the_confirmation(signed: TestClient, session: Session) -> None:
    create_once(signed, "Doomed")
    webinar = session.execute(select(Webinar)).scalar_one()
    page = f"/manage/webinars/{webinar.id}"

    unconfirmed = post_form(signed, page, page + "/delete", {})
    session.refresh(webinar)
    assert unconfirmed.headers["location"] == f"{page}?done=confirm_delete"
    assert webinar.deleted_at is None

    confirmed = post_form(signed, page, page + "/delete", {"confirm": "yes"})
    session.refresh(webinar)
    assert confirmed.headers["location"] == "/manage/webinars?done=deleted"
    assert webinar.deleted_at == NOW
    assert signed.get(page).status_code == 404


def test_deleting_one_occurrence(signed: TestClient, session: Session) -> None:
    create(signed, **WEEKLY)
    webinar = session.execute(select(Webinar)).scalar_one()
    page = f"/manage/webinars/{webinar.id}"
    second = str(int(datetime(2026, 2, 4, 8, 30, tzinfo=UTC).timestamp()) * 1000)

    answer = post_form(signed, page, f"{page}/occurrences/{second}/delete", {})

    assert answer.headers["location"] == f"{page}?done=occurrence_deleted"
    deleted = (
        session.execute(
            select(Occurrence.is_deleted)
            .where(Occurrence.webinar_seq == webinar.seq)
            .order_by(Occurrence.start_at)
        )
        .scalars()
        .all()
    )
    assert deleted == [False, True, False, False]


def test_a_second_host_cannot_see_the_owners_webinar_by_url(
    settings: Settings,
    runtime: Runtime,
    signed: TestClient,
    session: Session,
    account: AccountKeys,
) -> None:
    create_once(signed, "Owner only", approval_type="1")
    webinar = session.execute(select(Webinar)).scalar_one()

    with second_host(settings, runtime, session, account) as (_user, second):
        pages = ("", "/edit", "/registrants", "/live", "/questions", "/report")
        exports = tuple(f"/{name}.csv" for name in ("registrants", "attendees", "polls"))
        for path in pages + exports:
            never = second.get(f"/manage/webinars/99999999999{path}")
            answer = second.get(f"/manage/webinars/{webinar.id}{path}")
            assert answer.status_code == 404
            assert answer.text == never.text.replace("99999999999", str(webinar.id))
        listing = second.get("/manage/webinars").text
        form = second.get("/manage/webinars/new").text
        deleting = second.post(
            f"/manage/webinars/{webinar.id}/delete",
            data={"csrf_token": csrf_of(form), "confirm": "yes"},
        )
    assert "Owner only" not in listing
    assert deleting.status_code == 404
    # the owner's own cookie opens the report and the exports (no bearer token needed)
    report = signed.get(f"/manage/webinars/{webinar.id}/report")
    exported = signed.get(f"/manage/webinars/{webinar.id}/registrants.csv")
    assert report.status_code == 200
    assert "Owner only" in report.text
    assert exported.status_code == 200
    assert exported.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert exported.content.decode("utf-8-sig").splitlines()[1:] == []  # nobody registered
    session.refresh(webinar)
    assert webinar.deleted_at is None


def test_the_owner_sees_every_hosts_webinars_and_a_user_who_may_not_host_cannot_create(
    settings: Settings,
    runtime: Runtime,
    signed: TestClient,
    session: Session,
    account: AccountKeys,
) -> None:
    for email, hosts in (("second@acme.test", True), ("viewer@acme.test", False)):
        add_host(session, runtime, account, email, has_webinar=hosts)
    with browser(settings, runtime) as second, browser(settings, runtime) as viewer:
        sign_in_as(second, "second@acme.test")
        create_once(second, "Second's webinar")
        sign_in_as(viewer, "viewer@acme.test")
        refused = create_once(viewer, "Not allowed")

    assert "Second&#39;s webinar" in signed.get("/manage/webinars").text
    assert refused.status_code == 400
    [user] = sign_in.users_by_email(session, "viewer@acme.test")
    assert Tree(refused.text).text(id="form-error") == (
        f"Cannot use webinar API, you need to enable webinar for this user: {user.host_id}"
    )
    assert session.execute(select(Webinar.topic)).scalars().all() == ["Second's webinar"]
