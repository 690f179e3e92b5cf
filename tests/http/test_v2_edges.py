"""v2 edge cases: odd credentials and page tokens, occurrences, caps and unknown names."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import OccurrenceRegistration, Registrant
from tests.conftest import AccountKeys
from tests.http.v2_helpers import V2, error, invalid, webinar_body

SERIES = webinar_body(
    type=9,
    recurrence={"type": 1, "end_times": 3},
    settings={"approval_type": 0, "registration_type": 3},
)
PAGE_TOKEN_REFUSED = error(300, "The next page token is invalid or expired.")


@pytest.mark.parametrize("authorization", ["Basic not-base64!", "Basic " + "QUJD", "Bearer x"])
def test_token_request_with_an_unusable_client_pair(
    authorization: str, client: TestClient, account: AccountKeys
) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "account_credentials", "account_id": str(account.account_id)},
        headers={"Authorization": authorization},
    )

    assert (response.status_code, response.json()) == (
        400,
        {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
    )


def test_token_request_too_large_is_413(client: TestClient) -> None:
    response = client.post("/oauth/token", content=b"x" * 70_000)

    assert (response.status_code, response.json()) == (
        413,
        error(413, "Request body is larger than 65536 bytes."),
    )


@pytest.mark.parametrize("token", ["abc", "1.2.xyz", "1.x.y", "5"])
def test_page_tokens_that_are_not_ours(token: str, v2: V2) -> None:
    response = v2.get("/users/me/webinars", next_page_token=token)

    assert (response.status_code, response.json()) == (400, PAGE_TOKEN_REFUSED)


def test_occurrences_in_the_query(v2: V2, session: Session) -> None:
    series = v2.post("/users/me/webinars", SERIES).json()
    webinar_id = series["id"]
    first, second = (o["occurrence_id"] for o in series["occurrences"][:2])

    patched = v2.patch(f"/webinars/{webinar_id}", {"topic": "X"}, occurrence_id=first)
    unknown = v2.get(f"/webinars/{webinar_id}", occurrence_id="1")
    registered = v2.post(
        f"/webinars/{webinar_id}/registrants",
        {"email": "ann@x.test", "first_name": "Ann"},
        occurrence_ids=f"{first},{second}",
    ).json()
    cancelled = v2.delete(
        f"/webinars/{webinar_id}/registrants/{registered['registrant_id']}", occurrence_id=first
    )

    assert (patched.status_code, patched.json()) == (
        400,
        invalid(occurrence_id="Podium changes a series as a whole: leave it out."),
    )
    assert (unknown.status_code, unknown.json()) == (400, error(300, "Invalid occurrence ID: 1."))
    assert [o["occurrence_id"] for o in registered["occurrences"]] == [first, second]
    assert cancelled.status_code == 204
    session.expire_all()
    places = session.execute(select(OccurrenceRegistration.is_cancelled)).scalars().all()
    assert sorted(places) == [False, True]
    assert session.execute(select(Registrant.status)).scalar_one() == "approved"


def test_at_most_100_panelists(v2: V2) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]
    for batch in range(4):
        people = [{"name": f"P{n}", "email": f"p{batch}-{n}@x.test"} for n in range(25)]
        assert (
            v2.post(f"/webinars/{webinar_id}/panelists", {"panelists": people}).status_code == 201
        )

    over = v2.post(
        f"/webinars/{webinar_id}/panelists", {"panelists": [{"name": "One", "email": "one@x.test"}]}
    )

    assert (over.status_code, over.json()) == (
        400,
        invalid(panelists="A webinar has at most 100 panelists."),
    )


def test_unknown_names(v2: V2) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body(settings={"approval_type": 1})).json()[
        "id"
    ]

    user = v2.get("/users/a%01b/webinars")
    by_email = v2.put(
        f"/webinars/{webinar_id}/registrants/status",
        {"action": "approve", "registrants": [{"email": "nobody@x.test"}]},
    )
    by_id = v2.put(
        f"/webinars/{webinar_id}/registrants/status",
        {"action": "cancel", "registrants": [{"id": "nobody"}]},
    )

    assert (user.status_code, user.json()) == (404, error(1001, "User does not exist: a\x01b."))
    assert by_email.json() == invalid(
        registrants="nobody@x.test is not a registrant of this webinar."
    )
    assert by_id.json() == invalid(registrants="nobody is not a registrant of this webinar.")
