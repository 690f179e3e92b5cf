"""The cancel-my-registration link of every confirmation: GET asks, POST (with CSRF) cancels."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import OutboxMessage, Registrant
from tests.conftest import AccountKeys
from tests.http.helpers import v1


def registered(client: TestClient, account: AccountKeys) -> tuple[int, str]:
    webinar_id = v1(
        client,
        "webinar/create",
        account.host_params(topic="Launch <b>", approval_type=0, start_time="2026-03-01T10:00:00Z"),
    )["id"]
    answer = v1(
        client,
        "webinar/register",
        account.credentials(
            id=webinar_id, email="ann@example.com", first_name="Ann", last_name="Lee"
        ),
    )
    token = answer["join_url"].split("tk=", 1)[1]
    return webinar_id, token


def status(session: Session) -> str:
    session.expire_all()
    return str(session.execute(select(Registrant.status)).scalar_one())


def test_get_asks_and_post_cancels_with_a_message(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id, token = registered(client, account)

    page = client.get(f"/w/{webinar_id}/cancel?tk={token}")
    unchanged = status(session)
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert csrf is not None
    done = client.post(f"/w/{webinar_id}/cancel", data={"csrf": csrf.group(1), "tk": token})
    link_after = client.get(f"/w/{webinar_id}?tk={token}")

    assert page.status_code == 200
    assert "Cancel your registration?" in page.text
    assert "Launch &lt;b&gt;" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert unchanged == "approved"  # GET changes nothing
    assert done.status_code == 200
    assert "Registration cancelled" in done.text
    assert status(session) == "cancelled"
    assert link_after.status_code == 403
    kinds = session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars().all()
    assert kinds == ["registration_approved", "registration_cancelled"]
    listed = v1(client, "webinar/registration", account.host_params(id=webinar_id))
    assert [item["approval"] for item in listed["attendees"]] == ["cancelled"]


def test_post_without_csrf_or_from_another_site_is_refused(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id, token = registered(client, account)
    page = client.get(f"/w/{webinar_id}/cancel?tk={token}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert csrf is not None

    missing = client.post(f"/w/{webinar_id}/cancel", data={"tk": token})
    foreign = client.post(
        f"/w/{webinar_id}/cancel",
        data={"csrf": csrf.group(1), "tk": token},
        headers={"origin": "https://evil.test"},
    )

    assert missing.status_code == foreign.status_code == 403
    assert "This form expired or came from another site." in missing.text
    assert status(session) == "approved"


def test_bad_links_are_refused(client: TestClient, account: AccountKeys, session: Session) -> None:
    webinar_id, token = registered(client, account)

    wrong = client.get(f"/w/{webinar_id}/cancel?tk=nope")
    other_webinar = client.get(f"/w/1234/cancel?tk={token}")
    no_token = client.get(f"/w/{webinar_id}/cancel")

    for response in (wrong, other_webinar, no_token):
        assert response.status_code == 403
        assert "This link is not valid." in response.text
    assert status(session) == "approved"
