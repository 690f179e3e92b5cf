"""The dashboard's registrants page: the table (status filter, search, keyset pages), bulk
approve / deny / cancel through services/registrants.py, adding one by hand, resending the
confirmation, the counts and the "needs approval" badge."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Occurrence, OutboxMessage, Webinar
from tests.conftest import AccountKeys
from tests.http.manage_helpers import post_form
from tests.http.page_helpers import Node, Tree
from tests.http.registration_helpers import (
    SERIES_OCCURRENCES,
    create_series,
    create_webinar,
    occurrence_rows,
    register,
    registrant_rows,
    statuses,
)


def arrange(client: TestClient, account: AccountKeys, people: int = 3) -> str:
    """A webinar the host approves, `people` registered (p1@ext.test, …): its registrants page."""
    webinar_id = create_webinar(client, account, approval_type=1, topic="Clinic")
    for number in range(1, people + 1):
        register(client, account, webinar_id, f"p{number}@ext.test", first_name=f"P{number}")
    return f"/manage/webinars/{webinar_id}/registrants"


def bulk(client: TestClient, page: str, action: str, ids: list[str]) -> Any:
    return post_form(client, page, page + "/bulk", {"action": action, "registrant_ids": ids})


def table_rows(tree: Tree) -> list[Node]:
    return tree.find(id="registrants")[0].children[2].children


def rows(tree: Tree) -> list[str]:
    return [row.content() for row in table_rows(tree)]


def registrant_ids(tree: Tree) -> list[str]:
    """The registrants' ids, as the table's rows carry them, in order."""
    return [row.attrs["data-registrant"] for row in table_rows(tree)]


def test_the_table_lists_registrants_with_counts_and_the_badge(
    signed: TestClient, client: TestClient, account: AccountKeys
) -> None:
    page = arrange(client, account)

    tree = Tree(signed.get(page).text)

    assert tree.text(id="needs-approval") == "3 need approval"
    assert tree.text(id="seat-count") == (
        "Seats taken: 3 / 100 · Approved: 0 · Waiting for approval: 3 · Denied: 0 · Cancelled: 0"
    )
    assert rows(tree) == [
        "1 P1 Lovelace p1@ext.test pending 2026-01-15 12:00 Resend",
        "2 P2 Lovelace p2@ext.test pending 2026-01-15 12:00 Resend",
        "3 P3 Lovelace p3@ext.test pending 2026-01-15 12:00 Resend",
    ]


def test_bulk_approval_goes_through_the_rules_and_sends_the_emails(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    page = arrange(client, account)
    ids = registrant_ids(Tree(signed.get(page).text))

    answer = bulk(signed, page, "approve", ids[:2])

    assert answer.headers["location"] == f"{page}?done=approved"
    assert statuses(session) == {
        "p1@ext.test": "approved",
        "p2@ext.test": "approved",
        "p3@ext.test": "pending",
    }
    kinds = session.execute(
        select(OutboxMessage.recipient, OutboxMessage.kind).order_by(OutboxMessage.id)
    ).all()
    assert [tuple(k) for k in kinds if k[1] == "registration_approved"] == [
        ("p1@ext.test", "registration_approved"),
        ("p2@ext.test", "registration_approved"),
    ]
    denied = bulk(signed, page, "deny", ids[2:])
    assert denied.headers["location"] == f"{page}?done=denied"
    cancelled = bulk(signed, page, "cancel", ids[:1])
    assert cancelled.headers["location"] == f"{page}?done=cancelled"
    assert statuses(session) == {
        "p1@ext.test": "cancelled",
        "p2@ext.test": "approved",
        "p3@ext.test": "denied",
    }


def test_bulk_actions_need_the_csrf_field(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    page = arrange(client, account, people=1)
    ids = registrant_ids(Tree(signed.get(page).text))[:1]

    answer = signed.post(page + "/bulk", data={"action": "approve", "registrant_ids": ids})

    assert answer.status_code == 403
    assert statuses(session) == {"p1@ext.test": "pending"}


def test_status_filter_search_and_keyset_pages(
    signed: TestClient, client: TestClient, account: AccountKeys
) -> None:
    page = arrange(client, account, people=100)

    first = Tree(signed.get(page).text)
    assert len(rows(first)) == 50
    [next_link] = [a for a in first.tags("a") if a.attrs.get("rel") == "next"]
    assert next_link.attrs["href"] == f"{page}?status=&q=&after=50"
    second = Tree(signed.get(next_link.attrs["href"]).text)
    assert rows(second)[0].startswith("51 P51 ")
    [prev_link] = [a for a in second.tags("a") if a.attrs.get("rel") == "prev"]
    assert prev_link.attrs["href"] == f"{page}?status=&q=&before=51"
    assert rows(Tree(signed.get(prev_link.attrs["href"]).text)) == rows(first)
    found = Tree(signed.get(page + "?q=p99@").text)
    assert [r.split(" ")[0] for r in rows(found)] == ["99"]
    assert Tree(signed.get(page + "?status=approved").text).text(**{"class": "empty"}) == (
        "No registrant here."
    )


def test_adding_a_registrant_by_hand_approves_them(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    page = arrange(client, account, people=0)

    answer = post_form(
        signed,
        page,
        page + "/add",
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@ext.test",
        },
    )
    bad = post_form(signed, page, page + "/add", {"first_name": "No", "email": "not-an-email"})

    assert answer.headers["location"] == f"{page}?done=added"
    assert statuses(session) == {"grace@ext.test": "approved"}
    assert bad.status_code == 400
    assert Tree(bad.text).text(id="email-error").startswith("Invalid parameter: email.")


def test_resending_the_confirmation_writes_one_email_per_ten_minutes(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    page = arrange(client, account, people=1)
    [registrant_id] = registrant_ids(Tree(signed.get(page).text))
    resend = f"{page}/{registrant_id}/resend"

    first = post_form(signed, page, resend, {})
    again = post_form(signed, page, resend, {})

    assert first.headers["location"] == f"{page}?done=resent"
    assert again.headers["location"] == f"{page}?done=not_resent"
    kinds = (
        session.execute(select(OutboxMessage.kind).where(OutboxMessage.recipient == "p1@ext.test"))
        .scalars()
        .all()
    )
    assert kinds == ["registration_pending", "registration_pending"]


def test_adding_by_hand_to_a_webinar_that_registers_per_occurrence_names_one(
    signed: TestClient, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=3)
    page = f"/manage/webinars/{webinar_id}/registrants"
    options = [
        o.attrs["value"]
        for o in Tree(signed.get(page).text).tags("option")
        if o.attrs.get("value", "").isdigit() and len(o.attrs["value"]) == 13
    ]

    answer = post_form(
        signed,
        page,
        page + "/add",
        {
            "first_name": "Grace",
            "email": "grace@ext.test",
            "occurrence_id": options[1],
        },
    )

    assert options == SERIES_OCCURRENCES
    assert answer.headers["location"] == f"{page}?done=added"
    [grace] = registrant_rows(session)
    starts = session.scalars(
        select(Occurrence.id)
        .join(Webinar, Webinar.seq == Occurrence.webinar_seq)
        .where(Webinar.id == webinar_id)
        .order_by(Occurrence.start_at)
    ).all()
    assert occurrence_rows(session, grace) == [(starts[1], False)]  # the second one chosen
