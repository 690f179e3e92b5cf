"""The app as servers run it: transactions on a real database file (or a PostgreSQL database of
its own), writes through group commit. Calls that arrive together share commits, and each
still gets its own answer, its own rows and its own events."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from podium.clock import FixedClock
from podium.db import migrate
from podium.db.models import OutboxMessage, Registrant, Webinar
from podium.events import Event, RegistrantCreated
from podium.ids import Ids
from podium.services import accounts
from podium.settings import Settings
from podium.web.app import create_app
from podium.web.group_commit import GroupCommit
from podium.web.runtime import Runtime
from tests.conftest import NOW, PUBLIC_URL, fresh_database
from tests.mail_sink import run_async

PEOPLE = 12
CAPACITY = 8


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    for url in fresh_database(tmp_path_factory):
        migrate.upgrade(url)
        built = Runtime.build(
            Settings(database_url=url, public_url=PUBLIC_URL),
            clock=FixedClock(NOW),
            ids=Ids.seeded(77),
        )
        yield built
        built.engine.dispose()


async def post(client: httpx2.AsyncClient, action: str, values: dict[str, Any]) -> Any:
    response = await client.post(f"/v1/{action}", data={k: str(v) for k, v in values.items()})
    assert response.status_code == 200
    return response.json()


def test_registrations_arriving_together_commit_together(runtime: Runtime) -> None:
    assert isinstance(runtime.writes, GroupCommit)
    account = runtime.new_account(name="Acme", host_email="host@acme.test")
    runtime.run(lambda s: accounts.set_capacity(s, account.account_id, CAPACITY), writes=True)
    keys = {"api_key": account.api_key, "api_secret": account.api_secret}
    heard: list[Event] = []
    runtime.subscribe(heard.extend)
    commits: list[int] = []

    def count(_connection: Connection) -> None:
        commits.append(1)

    async def story() -> tuple[Any, list[Any]]:
        transport = httpx2.ASGITransport(app=create_app(runtime.settings, runtime))
        async with httpx2.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            created = await post(
                client,
                "webinar/create",
                keys | {"host_id": account.host_id, "topic": "Launch", "approval_type": 0},
            )
            event.listen(runtime.engine, "commit", count)
            try:
                answers = await asyncio.gather(
                    *(
                        post(
                            client,
                            "webinar/register",
                            keys
                            | {
                                "id": created["id"],
                                "email": f"p{n}@x.io",
                                "first_name": f"P{n}",
                                "last_name": "Q",
                            },
                        )
                        for n in range(PEOPLE)
                    )
                )
            finally:
                event.remove(runtime.engine, "commit", count)
            return created, answers

    created, answers = run_async(story)

    registered = [a for a in answers if "registrant_id" in a]
    refused = [a for a in answers if "error" in a]
    assert len(registered) == CAPACITY
    assert refused == [
        {"error": {"code": 3035, "message": "Webinar has reached maximum attendee capacity."}}
    ] * (PEOPLE - CAPACITY)
    assert {a["topic"] for a in registered} == {"Launch"}
    assert len(commits) < PEOPLE  # they shared commits
    rows = runtime.run(
        lambda s: [
            (r.email, r.status, r.registrant_id)
            for r in s.execute(
                select(Registrant)
                .join(Webinar, Webinar.seq == Registrant.webinar_seq)
                .where(Webinar.id == created["id"])
                .order_by(Registrant.position)
            ).scalars()
        ],
        writes=False,
    )
    assert sorted(rows) == sorted(
        (f"p{n}@x.io", "approved", a["registrant_id"])
        for n, a in enumerate(answers)
        if "registrant_id" in a
    )
    mails = runtime.run(
        lambda s: sorted(
            s.execute(
                select(OutboxMessage.recipient).where(OutboxMessage.kind == "registration_approved")
            ).scalars()
        ),
        writes=False,
    )
    assert mails == sorted(email for email, _, _ in rows)
    created_events = [e for e in heard if isinstance(e, RegistrantCreated)]
    assert sorted(e.registrant.registrant_id for e in created_events) == sorted(
        a["registrant_id"] for a in registered
    )
