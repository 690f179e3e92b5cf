"""The dashboard's account pages: the API key and its rotation (confirmed, the new secret shown
once), the time zone, users (owner only: add a host, reset a password), the outbox of the
viewer's webinars, webhooks (owner only)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import (
    ApiCredential,
    DashboardSession,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from podium.services import webhook_subscriptions
from podium.services.webhook_subscriptions import NewSubscription
from podium.settings import Settings
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import v1
from tests.http.manage_helpers import browser, post_form, second_host, sign_in_as
from tests.http.page_helpers import Tree
from tests.http.registration_helpers import create_webinar, register


def test_the_account_page_shows_the_api_key_not_its_secret(
    signed: TestClient, account: AccountKeys
) -> None:
    answer = signed.get("/manage/account")

    assert Tree(answer.text).text(id="api-key") == account.api_key
    assert account.api_secret not in answer.text
    assert Tree(answer.text).find(id="api-secret") == []


def test_rotating_the_key_needs_confirmation_then_shows_the_new_secret_once(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    refused = post_form(signed, "/manage/account", "/manage/account/key", {})
    assert refused.status_code == 400
    assert Tree(refused.text).text(id="confirm-error") == (
        "Tick the box to confirm: scripts using the old key stop."
    )
    assert session.execute(select(ApiCredential.revoked_at)).scalars().all() == [None]

    rotated = post_form(signed, "/manage/account", "/manage/account/key", {"confirm": "yes"})

    tree = Tree(rotated.text)
    new_key, new_secret = tree.text(id="api-key"), tree.text(id="api-secret")
    assert new_key != account.api_key
    old = v1(client, "webinar/list", account.host_params())
    new = v1(
        client,
        "webinar/list",
        {"api_key": new_key, "api_secret": new_secret, "host_id": account.host_id},
    )
    assert old["error"]["code"] == 200  # the old pair no longer opens anything
    assert new["total_records"] == 0
    assert new_secret not in signed.get("/manage/account").text  # shown once


def test_a_host_saves_their_time_zone_and_new_webinars_start_in_it(
    signed: TestClient, owner: User, session: Session
) -> None:
    bad = post_form(
        signed, "/manage/account", "/manage/account/timezone", {"timezone": "Mars/Base"}
    )
    good = post_form(
        signed, "/manage/account", "/manage/account/timezone", {"timezone": "Asia/Tokyo"}
    )

    assert bad.status_code == 400
    assert Tree(bad.text).text(id="timezone-error") == "Choose a time zone from the list."
    assert good.headers["location"] == "/manage/account?done=timezone_saved"
    session.refresh(owner)
    assert owner.timezone == "Asia/Tokyo"
    form = Tree(signed.get("/manage/webinars/new").text)
    [chosen] = [
        o for o in form.tags("option") if "selected" in o.attrs and o.content() == "Asia/Tokyo"
    ]
    assert chosen.attrs["value"] == "Asia/Tokyo"


def test_the_owner_adds_a_host_who_signs_in_with_the_password_shown(
    settings: Settings, runtime: Runtime, signed: TestClient, session: Session
) -> None:
    answer = post_form(
        signed, "/manage/account/users", "/manage/account/users", {"email": "second@acme.test"}
    )
    again = post_form(
        signed, "/manage/account/users", "/manage/account/users", {"email": "second@acme.test"}
    )

    password = Tree(answer.text).text(id="new-password")
    assert answer.status_code == 200
    assert again.status_code == 400
    assert Tree(again.text).text(id="email-error") == (
        "This account already has a host with this e-mail."
    )
    with browser(settings, runtime) as second:
        assert sign_in_as(second, "second@acme.test", password).status_code == 303
        assert second.get("/manage/account/users").status_code == 404  # not the owner
        assert second.get("/manage/account/webhooks").status_code == 404
        assert "api-key" not in second.get("/manage/account").text
    users = session.execute(select(User.email).order_by(User.id)).scalars().all()
    assert users == ["host@acme.test", "second@acme.test"]


def test_resetting_a_password_ends_that_hosts_sessions(
    settings: Settings,
    runtime: Runtime,
    signed: TestClient,
    session: Session,
    account: AccountKeys,
) -> None:
    with second_host(settings, runtime, session, account) as (second, other):
        answer = post_form(
            signed, "/manage/account/users", f"/manage/account/users/{second.host_id}/password", {}
        )

        password = Tree(answer.text).text(id="new-password")
        assert other.get("/manage/account").status_code == 303
        assert sign_in_as(other, "second@acme.test", password).status_code == 303
    unknown = post_form(
        signed, "/manage/account/users", "/manage/account/users/nobody/password", {}
    )
    assert unknown.status_code == 404
    revoked = (
        session.execute(
            select(DashboardSession.revoked_at)
            .where(DashboardSession.user_id == second.id)
            .order_by(DashboardSession.id)
        )
        .scalars()
        .all()
    )
    assert revoked == [NOW, None]


def test_the_outbox_shows_the_emails_of_the_viewers_webinars(
    settings: Settings,
    runtime: Runtime,
    signed: TestClient,
    client: TestClient,
    account: AccountKeys,
    other_account: AccountKeys,
    session: Session,
) -> None:
    ours = create_webinar(client, account, topic="Ours")
    theirs = create_webinar(client, other_account, topic="Theirs")
    register(client, account, ours, "ann@ext.test")
    register(client, other_account, theirs, "zed@ext.test")

    rows = Tree(signed.get("/manage/account/outbox").text).tags("tr")[1:]

    assert [r.content() for r in rows] == [
        "2026-01-15 12:00 UTC ann@ext.test Registration confirmed: Ours pending"
    ]
    with second_host(settings, runtime, session, account) as (_user, second):
        assert "ann@ext.test" not in second.get("/manage/account/outbox").text


def test_a_webhook_url_podium_will_not_call_is_refused_next_to_the_field(
    signed: TestClient, session: Session
) -> None:
    answer = post_form(
        signed,
        "/manage/account/webhooks",
        "/manage/account/webhooks",
        {
            "url": "http://127.0.0.1/hook",
            "secret_token": "s3cret",
            "events": ["webinar.created"],
        },
    )

    assert answer.status_code == 400
    assert Tree(answer.text).text(id="url-error") == (
        "Webhook URL refused: 127.0.0.1 is a loopback address, which webhooks may not reach "
        "(allowed only on a --sandbox server or with PODIUM_WEBHOOK_ALLOW_PRIVATE=1)."
    )
    assert Tree(answer.text).text(**{"class": "empty"}) == "No webhook yet."
    assert session.execute(select(WebhookSubscription)).all() == []


def test_a_webhooks_page_lists_its_recent_deliveries(
    runtime: Runtime,
    signed: TestClient,
    client: TestClient,
    account: AccountKeys,
    session: Session,
) -> None:
    context = runtime.context
    hook = webhook_subscriptions.create(
        session,
        account.account_id,
        NewSubscription("https://hooks.example.org/podium", "s3cret", ("webinar.created",)),
        key=context.issuer.key,
        ids=context.issuer.ids,
        now=NOW,
    )
    session.flush()
    runtime.webhook_subscriptions_changed()
    create_webinar(client, account, topic="Hooked")

    page = signed.get(f"/manage/account/webhooks/{hook.subscription_id}")
    listed = signed.get("/manage/account/webhooks")

    tree = Tree(page.text)
    assert tree.text(id="hook-status") == "active"
    rows = tree.find(id="deliveries")[0].children[1].children
    assert [r.content() for r in rows] == [
        "webinar.created 2026-01-15T12:00:00Z pending 0 2026-01-15T12:00:00Z"
    ]
    assert f'href="/manage/account/webhooks/{hook.subscription_id}"' in listed.text
    assert signed.get("/manage/account/webhooks/nope").status_code == 404

    # the delivery fails for good; the owner retries it once more from the page
    [delivery] = session.scalars(select(WebhookDelivery))
    session.execute(update(WebhookDelivery).values(status="failed", attempts=4, last_status=410))
    page_path = f"/manage/account/webhooks/{hook.subscription_id}"
    action = f"{page_path}/deliveries/{delivery.id}/retry"
    failed_page = signed.get(page_path).text
    assert f'action="{action}"' in failed_page
    retried = post_form(signed, page_path, action, {})
    again = post_form(signed, page_path, action, {})
    session.refresh(delivery)
    assert (retried.status_code, retried.headers["location"]) == (
        303,
        f"{page_path}?done=delivery_retried",
    )
    assert again.headers["location"] == f"{page_path}?done=delivery_not_failed"
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 4, NOW)
    assert "The delivery is due again" in signed.get(retried.headers["location"]).text
    forged = signed.post(action, data={"csrf_token": "forged"})
    assert forged.status_code == 403
