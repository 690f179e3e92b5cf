"""registrants/list, registrants/approve, registration, registration/cancel, panelists."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import Panelist
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import STYLES, Style, error, v1
from tests.http.registration_helpers import (
    SERIES_OCCURRENCES,
    create_series,
    create_webinar,
    occurrence_rows,
    personal_link,
    register,
    registrant_rows,
    statuses,
)


def register_people(
    client: TestClient, account: AccountKeys, webinar_id: int, count: int, clock: FixedClock
) -> list[str]:
    ids = []
    for n in range(count):
        ids.append(register(client, account, webinar_id, f"p{n}@x.io")["registrant_id"])
        clock.advance(minutes=1)
    return ids


@pytest.mark.parametrize("style", STYLES)
def test_registrants_list_pending_by_default(
    style: Style, client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ids = register_people(client, account, webinar_id, 2, clock)

    body = v1(client, "webinar/registrants/list", account.host_params(id=webinar_id), style)

    assert body == {
        "page_count": 1,
        "page_number": 1,
        "page_size": 30,
        "total_records": 2,
        "type": 0,
        "users": [
            {
                "id": ids[0],
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "p0@x.io",
                "registration_time": "2026-01-15T12:00:00Z",
            },
            {
                "id": ids[1],
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "p1@x.io",
                "registration_time": "2026-01-15T12:01:00Z",
            },
        ],
    }


def test_registrants_list_approved_and_paged(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ids = register_people(client, account, webinar_id, 5, clock)
    v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar_id, registrant_ids=",".join(ids[1:4])),
    )

    approved = v1(
        client,
        "webinar/registrants/list",
        account.host_params(id=webinar_id, type=1, page_size=2, page_number=2),
    )
    pending = v1(client, "webinar/registrants/list", account.host_params(id=webinar_id, type=0))

    assert [u["id"] for u in approved["users"]] == [ids[3]]
    assert {k: v for k, v in approved.items() if k != "users"} == {
        "page_count": 2,
        "page_number": 2,
        "page_size": 2,
        "total_records": 3,
        "type": 1,
    }
    assert [u["id"] for u in pending["users"]] == [ids[0], ids[4]]


@pytest.mark.parametrize("approval_type", [0, 2])
def test_registrants_list_needs_manual_approval(
    approval_type: int, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=approval_type)

    body = v1(client, "webinar/registrants/list", account.host_params(id=webinar_id))

    assert body == error(
        2008, f"Webinar does not require manual approval of registrants: {webinar_id}"
    )


def test_registrants_list_rejects_unknown_type(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)

    body = v1(client, "webinar/registrants/list", account.host_params(id=webinar_id, type=2))

    assert body == error(300, "Invalid parameter: type. It must be one of 0, 1.")


@pytest.mark.parametrize("spelling", ["registrant_ids", "registrants_ids"])
def test_registrants_approve_moves_pending_to_approved(
    spelling: str, client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ids = register_people(client, account, webinar_id, 3, clock)

    body = v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar_id, **{spelling: f"{ids[0]}, {ids[2]}"}),
    )

    assert body == {"id": str(webinar_id), "updated_at": "2026-01-15T12:03:00Z"}
    assert statuses(session) == {"p0@x.io": "approved", "p1@x.io": "pending", "p2@x.io": "approved"}


def test_registrants_approve_takes_a_qs_array(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ids = register_people(client, account, webinar_id, 2, clock)
    form = account.host_params(id=webinar_id)
    pairs = [*form.items(), ("registrant_ids[]", ids[0]), ("registrant_ids[]", ids[1])]

    response = client.post(
        "/v1/webinar/registrants/approve",
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.json() == {"id": str(webinar_id), "updated_at": "2026-01-15T12:02:00Z"}
    assert set(statuses(session).values()) == {"approved"}


def test_registrants_approve_twice_is_a_no_op(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    [registrant_id] = register_people(client, account, webinar_id, 1, clock)
    params = account.host_params(id=webinar_id, registrant_ids=registrant_id)
    v1(client, "webinar/registrants/approve", params)
    [before] = registrant_rows(session)
    updated_at = before.updated_at
    clock.advance(hours=1)

    body = v1(client, "webinar/registrants/approve", params)

    [after] = registrant_rows(session)
    assert body == {"id": str(webinar_id), "updated_at": "2026-01-15T13:01:00Z"}
    assert (after.status, after.updated_at) == ("approved", updated_at)


def test_registrants_approve_unknown_id_changes_nothing(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    [registrant_id] = register_people(client, account, webinar_id, 1, clock)
    other = create_webinar(client, account, approval_type=1, topic="Other")
    foreign = register(client, account, other, "z@x.io")["registrant_id"]

    body = v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar_id, registrant_ids=f"{registrant_id},{foreign}"),
    )

    assert body == error(
        300, f"Invalid parameter: registrant_ids. {foreign} is not a registrant of this webinar."
    )
    assert statuses(session) == {"p0@x.io": "pending", "z@x.io": "pending"}


def test_registrants_approve_cancelled_is_refused(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    [registrant_id] = register_people(client, account, webinar_id, 1, clock)
    params = account.host_params(id=webinar_id, registrant_ids=registrant_id)
    v1(client, "webinar/registration/cancel", params)

    body = v1(client, "webinar/registrants/approve", params)

    assert body == error(
        300,
        f"Invalid parameter: registrant_ids. {registrant_id} is cancelled; "
        "they must register again.",
    )
    assert statuses(session) == {"p0@x.io": "cancelled"}


def test_registrants_approve_needs_ids(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)

    body = v1(client, "webinar/registrants/approve", account.host_params(id=webinar_id))

    assert body == error(300, "registrant_ids is required.")


def test_registrants_approve_needs_manual_approval(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account, approval_type=0)

    body = v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar_id, registrant_ids="abc"),
    )

    assert body == error(
        2008, f"Webinar does not require manual approval of registrants: {webinar_id}"
    )


@pytest.mark.parametrize("style", STYLES)
def test_registration_lists_everyone_with_their_approval(
    style: Style,
    client: TestClient,
    account: AccountKeys,
    clock: FixedClock,
    runtime: Runtime,
    session: Session,
) -> None:
    webinar_id = create_webinar(client, account, approval_type=1)
    ids = register_people(client, account, webinar_id, 3, clock)
    v1(
        client,
        "webinar/registrants/approve",
        account.host_params(id=webinar_id, registrant_ids=ids[1]),
    )
    v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=ids[2]),
    )

    body = v1(client, "webinar/registration", account.host_params(id=webinar_id), style)

    rows = registrant_rows(session)
    assert body == {
        "page_count": 1,
        "page_number": 1,
        "page_size": 30,
        "total_records": 3,
        "attendees": [
            {
                "id": ids[n],
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": f"p{n}@x.io",
                "create_time": f"2026-01-15T12:0{n}:00Z",
                "approval": approval,
                "registration_url": link,
            }
            for n, approval, link in [
                (0, "pending", personal_link(runtime, webinar_id, rows[0])),
                (1, "approved", personal_link(runtime, webinar_id, rows[1])),
                (2, "cancelled", ""),
            ]
        ],
    }
    assert rows[0].token_digest != rows[1].token_digest


def test_registration_pages_deeply(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    webinar_id = create_webinar(client, account)
    ids = register_people(client, account, webinar_id, 7, clock)

    pages = [
        v1(
            client,
            "webinar/registration",
            account.host_params(id=webinar_id, page_size=3, page_number=n),
        )
        for n in (1, 3, 4)
    ]

    assert [[a["id"] for a in page["attendees"]] for page in pages] == [ids[:3], ids[6:], []]
    assert [page["page_count"] for page in pages] == [3, 3, 3]


def test_registration_of_one_occurrence(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_series(client, account, registration_type=2)
    first = register(client, account, webinar_id, "a@x.io", occurrence_ids=SERIES_OCCURRENCES[0])
    register(client, account, webinar_id, "b@x.io", occurrence_ids=SERIES_OCCURRENCES[1])

    body = v1(
        client,
        "webinar/registration",
        account.host_params(id=webinar_id, occurrence_id=SERIES_OCCURRENCES[0]),
    )
    bad = v1(client, "webinar/registration", account.host_params(id=webinar_id, occurrence_id="1"))

    assert [a["id"] for a in body["attendees"]] == [first["registrant_id"]]
    assert body["total_records"] == 1
    assert bad == error(3000, "Invalid occurrence_id: 1")


def test_registration_of_one_occurrence_once_for_all(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_series(client, account, registration_type=1)
    register(client, account, webinar_id, "a@x.io")
    register(client, account, webinar_id, "b@x.io")

    body = v1(
        client,
        "webinar/registration",
        account.host_params(id=webinar_id, occurrence_id=SERIES_OCCURRENCES[2]),
    )

    assert [a["email"] for a in body["attendees"]] == ["a@x.io", "b@x.io"]


@pytest.mark.parametrize("style", STYLES)
def test_registration_cancel_frees_the_seat_and_kills_the_link(
    style: Style, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    registrant_id = register(client, account, webinar_id, "a@x.io")["registrant_id"]

    body = v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=registrant_id),
        style,
    )
    again = v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=registrant_id),
    )

    assert body == again == {"id": str(webinar_id), "updated_at": "2026-01-15T12:00:00Z"}
    assert statuses(session) == {"a@x.io": "cancelled"}
    listed = v1(client, "webinar/registration", account.host_params(id=webinar_id))
    assert listed["attendees"][0]["registration_url"] == ""


def test_registration_cancel_at_most_15(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)

    body = v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrant_ids=",".join("x" * 16)),
    )

    assert body == error(300, "Invalid parameter: registrant_ids. At most 15 at a time.")


def test_registration_cancel_unknown_id_changes_nothing(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    registrant_id = register(client, account, webinar_id, "a@x.io")["registrant_id"]

    body = v1(
        client,
        "webinar/registration/cancel",
        account.host_params(id=webinar_id, registrants_ids=f"{registrant_id},nope"),
    )

    assert body == error(
        300, "Invalid parameter: registrants_ids. nope is not a registrant of this webinar."
    )
    assert statuses(session) == {"a@x.io": "approved"}


def test_registration_cancel_one_occurrence(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_series(client, account, registration_type=3)
    registrant_id = register(
        client, account, webinar_id, "a@x.io", occurrence_ids=",".join(SERIES_OCCURRENCES[:2])
    )["registrant_id"]
    params = account.host_params(id=webinar_id, registrant_ids=registrant_id)

    v1(client, "webinar/registration/cancel", {**params, "occurrence_id": SERIES_OCCURRENCES[0]})
    [row] = registrant_rows(session)
    after_first = (row.status, [cancelled for _, cancelled in occurrence_rows(session, row)])
    v1(client, "webinar/registration/cancel", {**params, "occurrence_id": SERIES_OCCURRENCES[1]})

    assert after_first == ("approved", [True, False])
    [row] = registrant_rows(session)
    assert row.status == "cancelled"


def test_registration_cancel_occurrence_of_once_for_all_is_3000(
    client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_series(client, account, registration_type=1)
    registrant_id = register(client, account, webinar_id, "a@x.io")["registrant_id"]

    body = v1(
        client,
        "webinar/registration/cancel",
        account.host_params(
            id=webinar_id, registrant_ids=registrant_id, occurrence_id=SERIES_OCCURRENCES[0]
        ),
    )

    assert body == error(3000, f"Invalid occurrence_id: {SERIES_OCCURRENCES[0]}")


def test_panelists_lists_names_and_personal_links(
    client: TestClient, account: AccountKeys, runtime: Runtime, session: Session
) -> None:
    panelists = [{"name": "Ada", "email": "ada@x.io"}, {"name": "Bob", "email": "bob@x.io"}]
    webinar_id = create_webinar(client, account, panelists=json.dumps(panelists))

    body: dict[str, Any] = v1(client, "webinar/panelists", account.host_params(id=webinar_id))

    links = [p.pop("join_url") for p in body["panelists"]]
    assert body == {"total_records": 2, "panelists": panelists}
    nonces = session.execute(select(Panelist.token_nonce).order_by(Panelist.id)).scalars()
    issuer = runtime.context.issuer
    assert links == [f"{PUBLIC_URL}/w/{webinar_id}?tk={issuer.link_token(n)}" for n in nonces]


def test_panelists_of_a_webinar_without_any(client: TestClient, account: AccountKeys) -> None:
    webinar_id = create_webinar(client, account)

    body = v1(client, "webinar/panelists", account.host_params(id=webinar_id))

    assert body == {"total_records": 0, "panelists": []}
