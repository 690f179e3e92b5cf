"""E-mail that really arrives: a real SMTP server (aiosmtpd) on a loopback port receives what
the outbox delivers; the tests read the messages as a mail client would."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import OutboxMessage
from podium.mail.delivery import DeliveryReport
from podium.mail.languages import locale_for
from podium.web.mailer import delivery_for
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import v1
from tests.mail_sink import MailSink, parts, run_async


def events(calendar: Calendar) -> list[Any]:
    """The VEVENTs, untyped: icalendar's property types are a wide union."""
    return list(calendar.walk("VEVENT"))


def deliver(runtime: Runtime, sink: MailSink) -> DeliveryReport:
    return run_async(delivery_for(runtime, sink.url).run_until_idle)


def outbox(session: Session) -> list[tuple[str, str, str]]:
    session.expire_all()
    return [
        (row.kind, row.recipient, row.status)
        for row in session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    ]


def series(client: TestClient, account: AccountKeys, **extra: Any) -> dict[str, Any]:
    settings = {
        "topic": "Weekly demo",
        "type": 9,
        "approval_type": 0,
        "start_time": "2026-03-02T09:00:00Z",
        "timezone": "Europe/Paris",
        "duration": 45,
        "recurrence": json.dumps({"type": 2, "weekly_days": "2", "end_times": 6}),
    }
    return dict(v1(client, "webinar/create", account.host_params(**{**settings, **extra})))


def person(webinar_id: int, email: str, **extra: Any) -> dict[str, Any]:
    return {"id": webinar_id, "email": email, "first_name": "Ann", "last_name": "Lee", **extra}


def test_a_confirmation_arrives_with_links_and_a_calendar_matching_webinar_get(
    client: TestClient, account: AccountKeys, runtime: Runtime, mail_sink: MailSink
) -> None:
    webinar = series(client, account)
    registered = v1(
        client,
        "webinar/register",
        account.credentials(**person(webinar["id"], "ann@example.com", language="fr-FR")),
    )

    report = deliver(runtime, mail_sink)

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = mail_sink.received
    message = received.message
    assert received.recipients == ["ann@example.com"]
    assert received.sender == "podium@podium.invalid"
    assert message["To"] == "Ann Lee <ann@example.com>"
    assert message["From"] == "Podium <podium@podium.invalid>"
    assert message["Subject"] == "Inscription confirmée : Weekly demo"
    assert message["Content-Language"] == "fr"
    assert message.get_all("Cc") is None
    assert message.get_all("Bcc") is None
    body = parts(message)
    join_url = registered["join_url"]
    assert join_url.startswith(f"{PUBLIC_URL}/w/{webinar['id']}?tk=")
    assert "Bonjour Ann Lee," in body["text"]
    assert "Vous êtes inscrit à Weekly demo." in body["text"]
    assert f"  {join_url}\n" in body["text"]
    assert (
        f"  {join_url}/cancel".replace("?tk=", "/cancel?tk=").replace("/cancel/cancel", "/cancel")
        in body["text"]
        or f"/w/{webinar['id']}/cancel?tk=" in body["text"]
    )
    assert "Fuseau horaire : Europe/Paris" in body["text"]
    assert "lundi 2 mars 2026, 10:00:00" in body["text"]  # Babel, in the webinar's time zone
    assert f'href="{join_url}"' in body["html"]
    assert body["ics_method"] == "REQUEST"
    calendar = Calendar.from_ical(body["ics"])
    [event] = events(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"podium-webinar-{webinar['id']}@podium.test"
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(event["URL"]) == join_url
    starts = [
        item["DTSTART"].dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for item in recurring_ical_events.of(calendar).between(
            datetime(2026, 1, 1), datetime(2027, 1, 1)
        )
    ]
    got = v1(client, "webinar/get", account.host_params(id=webinar["id"]))
    assert starts == [o["start_time"] for o in got["occurrences"]]
    assert len(starts) == 6


def test_languages_and_the_english_fallback(
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    mail_sink: MailSink,
) -> None:
    webinar = series(client, account)
    for language, address in (
        ("zh-CN", "zh@x.test"),
        ("en-ES", "es@x.test"),
        ("fr", "fr@x.test"),
        ("", "none@x.test"),
        ("en-US", "en@x.test"),
    ):
        extra = {"language": language} if language else {}
        v1(
            client,
            "webinar/register",
            account.credentials(**person(webinar["id"], address, **extra)),
        )
    german = v1(
        client,
        "webinar/register",
        account.credentials(**person(webinar["id"], "de@x.test", language="de")),
    )

    deliver(runtime, mail_sink)

    def subject(address: str) -> tuple[str, str]:
        found = mail_sink.to(address)
        assert len(found) == 1, outbox(session)
        [received] = found
        return received.message["Subject"], received.message["Content-Language"]

    assert subject("zh@x.test") == ("报名已确认：Weekly demo", "zh-CN")
    assert subject("es@x.test") == ("Inscripción confirmada: Weekly demo", "es")
    assert subject("fr@x.test") == ("Inscription confirmée : Weekly demo", "fr")
    assert german["error"]["code"] == 300  # the v1 contract names the languages it takes
    assert mail_sink.to("de@x.test") == []
    assert locale_for("de-DE") == locale_for("") == "en"
    assert subject("none@x.test") == ("Registration confirmed: Weekly demo", "en")
    assert subject("en@x.test") == ("Registration confirmed: Weekly demo", "en")
    [chinese] = mail_sink.to("zh@x.test")
    assert "Ann Lee，您好：" in parts(chinese.message)["text"]


def test_pending_approved_and_cancelled_by_the_host(
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    mail_sink: MailSink,
) -> None:
    webinar = series(client, account, approval_type=1)
    registered = v1(
        client, "webinar/register", account.credentials(**person(webinar["id"], "p@x.test"))
    )
    assert outbox(session) == [
        ("registration_pending", "p@x.test", "pending"),
        ("approval_needed", "host@acme.test", "pending"),  # the host hears someone waits
    ]
    v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar["id"], registrant_ids=registered["registrant_id"]),
    )
    v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar["id"], registrant_ids=registered["registrant_id"]),
    )

    deliver(runtime, mail_sink)

    pending, waiting, approved, cancelled = (
        parts(r.message) | {"subject": r.message["Subject"]} for r in mail_sink.received
    )
    assert waiting["subject"] == "Waiting for your approval: Weekly demo"
    assert (
        f"{person(webinar['id'], 'p@x.test')['first_name']} "
        f"{person(webinar['id'], 'p@x.test')['last_name']} (p@x.test) registered for "
        "Weekly demo and waits for your approval." in waiting["text"]
    )
    assert (
        f"https://podium.test/manage/webinars/{webinar['id']}/registrants?status=pending"
        in waiting["text"]
    )
    assert "ics" not in waiting
    assert "/w/" not in waiting["text"]
    assert pending["subject"] == "Registration received: Weekly demo"
    assert "waiting for the host's approval" in pending["text"]
    assert "ics" not in pending
    assert f"/w/{webinar['id']}?tk=" not in pending["text"]  # no join link yet
    assert f"/w/{webinar['id']}/cancel?tk=" in pending["text"]
    assert approved["subject"] == "Registration confirmed: Weekly demo"
    assert cancelled["subject"] == "Registration cancelled: Weekly demo"
    assert cancelled["ics_method"] == "CANCEL"
    assert "/w/" not in cancelled["text"]
    first, last = Calendar.from_ical(approved["ics"]), Calendar.from_ical(cancelled["ics"])
    [confirmed_event], [cancelled_event] = events(first), events(last)
    assert str(cancelled_event["UID"]) == str(confirmed_event["UID"])
    assert str(cancelled_event["STATUS"]) == "CANCELLED"
    assert str(last["METHOD"]) == "CANCEL"
    assert outbox(session) == [
        ("registration_pending", "p@x.test", "sent"),
        ("approval_needed", "host@acme.test", "sent"),
        ("registration_approved", "p@x.test", "sent"),
        ("registration_cancelled", "p@x.test", "sent"),
    ]


def test_panelists_time_changes_and_deletion(
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    mail_sink: MailSink,
) -> None:
    created = v1(
        client,
        "webinar/create",
        account.host_params(
            topic="Launch",
            approval_type=0,
            start_time="2026-03-02T09:00:00Z",
            timezone="America/New_York",
            panelists=json.dumps([{"name": "Pat Ode", "email": "pat@x.test"}]),
        ),
    )
    v1(client, "webinar/register", account.credentials(**person(created["id"], "r@x.test")))
    v1(
        client,
        "webinar/update",
        account.host_params(id=created["id"], start_time="2026-03-03T09:00:00Z"),
    )
    v1(client, "webinar/update", account.host_params(id=created["id"], topic="Renamed only"))
    v1(client, "webinar/delete", account.host_params(id=created["id"]))

    deliver(runtime, mail_sink)

    assert outbox(session) == [
        ("panelist_invited", "pat@x.test", "sent"),
        ("registration_approved", "r@x.test", "sent"),
        ("webinar_updated", "r@x.test", "sent"),
        ("webinar_updated", "pat@x.test", "sent"),
        ("webinar_cancelled", "r@x.test", "sent"),
        ("webinar_cancelled", "pat@x.test", "sent"),
    ]
    sequences = []
    for received in mail_sink.to("pat@x.test"):
        calendar = Calendar.from_ical(parts(received.message)["ics"])
        [event] = events(calendar)
        sequences.append(
            (str(calendar["METHOD"]), int(event["SEQUENCE"]), event["DTSTART"].dt.isoformat())
        )
    assert sequences == [
        ("REQUEST", 0, "2026-03-02T04:00:00-05:00"),
        ("REQUEST", 1, "2026-03-03T04:00:00-05:00"),
        ("CANCEL", 2, "2026-03-03T04:00:00-05:00"),
    ]
    [invitation] = mail_sink.to("pat@x.test")[:1]
    text = parts(invitation.message)["text"]
    assert "You are invited as a panelist of Launch." in text
    assert f"{PUBLIC_URL}/w/{created['id']}?tk=" in text
    assert "/cancel?tk=" not in text


def test_a_refused_registration_writes_no_message(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar = series(client, account)
    v1(client, "webinar/register", account.credentials(**person(webinar["id"], "one@x.test")))
    refused = v1(client, "webinar/register", account.credentials(**person(webinar["id"], "bad")))
    again = v1(
        client, "webinar/register", account.credentials(**person(webinar["id"], "one@x.test"))
    )

    assert refused["error"]["code"] == 300
    assert again["registrant_id"]
    assert outbox(session) == [("registration_approved", "one@x.test", "pending")]


def test_without_smtp_messages_wait_in_the_outbox_page(
    client: TestClient, account: AccountKeys, admin: TestClient
) -> None:
    webinar = series(admin, account)
    v1(admin, "webinar/register", account.credentials(**person(webinar["id"], "page@x.test")))

    page = admin.get("/podium/outbox")
    refused = client.get("/podium/outbox")

    assert page.status_code == 200
    assert "No SMTP server is configured" in page.text
    assert "Registration confirmed: Weekly demo" in page.text
    assert "page@x.test" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert refused.status_code == 403
    assert "page@x.test" not in refused.text


def test_delivery_comes_back_after_the_smtp_server_went_away(
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    clock: FixedClock,
    mail_sink: MailSink,
) -> None:
    webinar = series(client, account)
    addresses = [f"p{n}@x.test" for n in range(5)]
    for address in addresses:
        v1(client, "webinar/register", account.credentials(**person(webinar["id"], address)))
    mail_sink.handler.accept_only = 2  # the server gives up mid-way

    first = deliver(runtime, mail_sink)
    mail_sink.stop()  # then it is gone altogether
    too_early = deliver(runtime, mail_sink)
    clock.advance(seconds=30)
    while_down = deliver(runtime, mail_sink)
    mail_sink.handler.accept_only = None
    mail_sink.start()
    clock.advance(seconds=60)
    after = deliver(runtime, mail_sink)
    clock.advance(hours=1)
    nothing_left = deliver(runtime, mail_sink)

    assert (first.sent, first.retried) == (2, 3)
    assert too_early.attempted == 0  # the retry waits its backoff
    assert (while_down.sent, while_down.retried) == (0, 3)
    assert (after.sent, after.retried) == (3, 0)
    assert nothing_left.attempted == 0
    assert sorted(r.recipients[0] for r in mail_sink.received) == addresses  # each exactly once
    rows = session.execute(
        select(OutboxMessage.recipient, OutboxMessage.attempts, OutboxMessage.last_error).order_by(
            OutboxMessage.id
        )
    ).all()
    assert [(r.recipient, r.attempts) for r in rows] == [
        ("p0@x.test", 1),
        ("p1@x.test", 1),
        ("p2@x.test", 3),
        ("p3@x.test", 3),
        ("p4@x.test", 3),
    ]
    assert all(r.last_error == "" for r in rows)


def test_a_message_that_keeps_failing_is_marked_failed_with_the_last_error(
    client: TestClient,
    account: AccountKeys,
    runtime: Runtime,
    session: Session,
    clock: FixedClock,
    mail_sink: MailSink,
) -> None:
    webinar = series(client, account)
    v1(client, "webinar/register", account.credentials(**person(webinar["id"], "x@x.test")))
    mail_sink.stop()
    delivery = delivery_for(runtime, mail_sink.url)
    delivery.max_attempts = 3

    reports = []
    for _ in range(3):
        reports.append(run_async(delivery.run_until_idle))
        clock.advance(hours=7)

    assert [(r.retried, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1)]
    [row] = session.execute(select(OutboxMessage)).scalars()
    session.refresh(row)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error.startswith("SMTPConnectError") or "Connect" in row.last_error
