"""The leak that was: typing a registered person's e-mail on the registration page, under any
name, showed "You are registered" with *their* personal link. Now the page says "check your
e-mail" and never shows the link; the link goes (again) to that address, at most once every
ten minutes per registrant."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import OutboxMessage
from podium.services import registrants
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import v1
from tests.http.live_helpers import webinar_row
from tests.http.page_helpers import Tree, page
from tests.http.registration_helpers import create_webinar, register, registrant_rows
from tests.http.test_mail import deliver
from tests.mail_sink import MailSink, parts


def outbox(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    return [(row.kind, row.recipient) for row in rows]


def someone_else(client: TestClient, webinar_id: int, email: str) -> tuple[int, str]:
    """Another visitor types `email` with their own name: the page they get."""
    _, csrf = page(client, f"/webinar/register/{webinar_id}")
    response = client.post(
        f"/webinar/register/{webinar_id}",
        data={"csrf": csrf, "first_name": "Mallory", "last_name": "Other", "email": email},
    )
    return response.status_code, response.text


def test_an_email_already_registered_never_shows_its_link(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account, topic="Launch")
    owner = register(client, account, webinar_id, "ada@x.io")
    token = owner["join_url"].rsplit("tk=", 1)[1]

    status, html = someone_else(client, webinar_id, "ADA@x.io")

    tree = Tree(html)
    assert status == 200
    assert tree.text(id="check") == "Check your e-mail"
    assert tree.text(**{"class": "lead"}) == "ADA@x.io is already registered for this webinar."
    assert token not in html
    assert "/w/" not in html
    assert "tk=" not in html
    [row] = registrant_rows(session)
    assert (row.first_name, row.last_name, row.email) == ("Ada", "Lovelace", "ada@x.io")
    assert outbox(session) == [
        ("registration_approved", "ada@x.io"),
        ("registration_link", "ada@x.io"),
    ]


def test_the_link_goes_again_at_most_every_ten_minutes(
    client: TestClient, account: AccountKeys, session: Session, clock: FixedClock
) -> None:
    webinar_id = create_webinar(client, account)
    register(client, account, webinar_id, "ada@x.io")

    pages = [someone_else(client, webinar_id, "ada@x.io") for _ in range(3)]
    clock.advance(minutes=9, seconds=59)
    someone_else(client, webinar_id, "ada@x.io")
    clock.advance(seconds=1)
    someone_else(client, webinar_id, "ada@x.io")

    assert {text for _, text in pages} == {pages[0][1]}  # the page tells nothing either way
    assert outbox(session) == [
        ("registration_approved", "ada@x.io"),
        ("registration_link", "ada@x.io"),
        ("registration_link", "ada@x.io"),
    ]


@pytest.mark.parametrize(
    ("case", "sent"),
    [
        ("pending", [("registration_pending", "ada@x.io")]),  # still waiting, it says
        ("denied", []),
        ("cancelled", [("registration_approved", "ada@x.io")]),  # back, with a new link
    ],
)
def test_what_the_registrant_gets_by_status(
    case: str,
    sent: list[tuple[str, str]],
    client: TestClient,
    account: AccountKeys,
    session: Session,
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1 if case != "cancelled" else 0)
    owner = register(client, account, webinar_id, "ada@x.io")
    if case == "denied":
        webinar = webinar_row(session, webinar_id)
        registrants.deny(session, webinar, [owner["registrant_id"]], name="ids", now=NOW)
    if case == "cancelled":
        chosen = account.host_params(id=webinar_id, registrant_ids=owner["registrant_id"])
        v1(client, "webinar/registration/cancel", chosen)
    before = outbox(session)

    status, html = someone_else(client, webinar_id, "ada@x.io")

    assert (status, Tree(html).text(id="check")) == (200, "Check your e-mail")
    assert "tk=" not in html
    assert outbox(session)[len(before) :] == sent


def test_the_owner_receives_the_link_by_email(
    client: TestClient, account: AccountKeys, runtime: Runtime, mail_sink: MailSink
) -> None:
    webinar_id = create_webinar(client, account, topic="Launch")
    owner = register(client, account, webinar_id, "ada@x.io")
    deliver(runtime, mail_sink)

    someone_else(client, webinar_id, "ada@x.io")
    report = deliver(runtime, mail_sink)

    assert report.sent == 1
    first, again = mail_sink.to("ada@x.io")
    body = parts(again.message)
    assert again.message["Subject"] == "Your link to Launch"
    assert again.message["To"] == "Ada Lovelace <ada@x.io>"
    assert (
        "Here is your personal link to Launch again: someone, perhaps you, registered with "
        "your e-mail address on the registration page. If it was not you, there is nothing to "
        "do."
    ) in body["text"]
    assert f"  {owner['join_url']}\n" in body["text"]
    assert body["ics_method"] == "REQUEST"
    assert first.message["Subject"] == "Registration confirmed: Launch"
