"""The v2 hot paths change what a call costs, never what it answers: GET webinar's plain read
answers exactly as its handler, and a registration on plain statements writes what the ORM
path writes (the registrant, its e-mail) in a few statements."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from podium.api.v2 import webinars
from podium.api.v2.bodies import GetWebinarQuery
from podium.api.v2.call import V2Call, V2Read
from podium.db.models import OutboxMessage, Registrant
from podium.services.outbox import APPROVED_KIND
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.test_statement_counts import counting
from tests.http.v2_helpers import V2, webinar_body

SHAPES = [
    webinar_body(),
    webinar_body(type=9, recurrence={"type": 2, "weekly_days": "1,4", "end_times": 4},
                 settings={"approval_type": 1}, password="abc"),
    {"topic": "Any time", "type": 6, "agenda": "Ünïcode"},
]  # fmt: skip


@pytest.mark.parametrize("body", SHAPES)
@pytest.mark.parametrize("show_previous", [False, True])
def test_get_webinar_plain_read_answers_as_the_handler(
    body: dict[str, Any], show_previous: bool, v2: V2, runtime: Runtime, account: AccountKeys
) -> None:
    webinar_id = v2.post("/users/me/webinars", body).json()["id"]
    query = GetWebinarQuery(show_previous_occurrences=show_previous)
    path = {"webinarId": str(webinar_id)}
    read = V2Read(runtime.context, account.account_id, NOW, path, query)

    quick = runtime.read(lambda connection: webinars.get_webinar_quickly(read, connection))
    handled = runtime.run(
        lambda session: webinars.get_webinar(
            V2Call(runtime.context, account.account_id, NOW, path, query, session, None)
        ),
        writes=False,
    )

    assert quick is not None
    assert handled is not None
    quick.pop("start_url")  # each mints its own zak
    handled.pop("start_url")
    assert quick == handled


def test_get_webinar_plain_read_leaves_the_rest_to_the_handler(
    v2: V2, runtime: Runtime, account: AccountKeys
) -> None:
    created = v2.post("/users/me/webinars", webinar_body()).json()

    def quick(webinar_id: str, **query: Any) -> Any:
        read = V2Read(
            runtime.context,
            account.account_id,
            NOW,
            {"webinarId": webinar_id},
            GetWebinarQuery(**query),
        )
        return runtime.read(lambda connection: webinars.get_webinar_quickly(read, connection))

    assert quick(created["uuid"]) is None
    assert quick("1234567890") is None
    assert quick(str(created["id"]), occurrence_id="1") is None


def test_registering_a_new_email_takes_few_statements_and_writes_what_the_orm_does(
    v2: V2, connection: Connection, session: Session
) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body(settings={"approval_type": 0})).json()[
        "id"
    ]
    person = {"email": "ann@x.test", "first_name": "Ann", "last_name": "Lee"}

    with counting(connection) as statements:
        quick = v2.post(f"/webinars/{webinar_id}/registrants", person).json()
    again = v2.post(f"/webinars/{webinar_id}/registrants", person).json()  # known: the ORM path

    assert len(statements) <= 6
    assert again == quick
    stored = session.execute(select(Registrant)).scalar_one()
    assert (stored.registrant_id, stored.status, stored.position) == (
        quick["registrant_id"],
        "approved",
        1,
    )
    assert [m.kind for m in session.execute(select(OutboxMessage)).scalars()] == [APPROVED_KIND]
