"""Registrations racing over real sockets: one row per e-mail, never over capacity."""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest
from sqlalchemy import func, select

from podium.db.models import Registrant, Webinar
from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.e2e
CLIENTS = 8


def create_webinar(server: PodiumServer, account: TestAccount) -> int:
    body = httpx2.post(
        f"{server.base_url}/webinar/create",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            "topic": "Race",
            "approval_type": "0",
            "start_time": "2099-01-01T10:00:00Z",
        },
    ).json()
    return int(body["id"])


def register_all(
    urls: list[str], account: TestAccount, webinar_id: int, batches: list[list[str]]
) -> list[tuple[str, dict[str, Any]]]:
    """Each batch from its own client thread; batches alternate between the servers' URLs."""

    def run(numbered: tuple[int, list[str]]) -> list[tuple[str, dict[str, Any]]]:
        number, emails = numbered
        with httpx2.Client(base_url=f"{urls[number % len(urls)]}/v1", timeout=30) as client:
            return [
                (
                    email,
                    client.post(
                        "/webinar/register",
                        data={
                            "api_key": account.api_key,
                            "api_secret": account.api_secret,
                            "id": str(webinar_id),
                            "email": email,
                            "first_name": "F",
                            "last_name": "L",
                        },
                    ).json(),
                )
                for email in emails
            ]

    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        return [answer for batch in pool.map(run, enumerate(batches)) for answer in batch]


def database_counts(server: PodiumServer, webinar_id: int) -> tuple[int, int, int]:
    def count(session: Any) -> tuple[int, int, int]:
        seq, seats = session.execute(
            select(Webinar.seq, Webinar.seats_taken).where(Webinar.id == webinar_id)
        ).one()
        rows = session.execute(
            select(func.count()).select_from(Registrant).where(Registrant.webinar_seq == seq)
        ).scalar_one()
        distinct = session.execute(
            select(func.count(func.distinct(Registrant.email_key))).where(
                Registrant.webinar_seq == seq
            )
        ).scalar_one()
        return rows, distinct, seats

    result: tuple[int, int, int] = server.runtime.run(count, writes=False)
    return result


def test_same_and_different_emails_at_once_give_one_row_each(
    server: PodiumServer, fresh_account: TestAccount
) -> None:
    webinar_id = create_webinar(server, fresh_account)
    shared = [f"shared{n}@race.test" for n in range(20)]
    batches = [[*shared, *(f"own{c}-{n}@race.test" for n in range(5))] for c in range(CLIENTS)]

    answers = register_all([server.root_url], fresh_account, webinar_id, batches)

    ids_by_email: dict[str, set[str]] = {}
    for email, body in answers:
        ids_by_email.setdefault(email.lower(), set()).add(body["registrant_id"])
    assert len(answers) == CLIENTS * 25
    assert all(len(ids) == 1 for ids in ids_by_email.values())
    assert len(ids_by_email) == 20 + CLIENTS * 5
    assert database_counts(server, webinar_id) == (60, 60, 60)


def test_capacity_holds_under_concurrent_registrations(
    server: PodiumServer, fresh_account: TestAccount
) -> None:
    webinar_id = create_webinar(server, fresh_account)
    batches = [[f"c{c}-{n}@race.test" for n in range(50)] for c in range(CLIENTS)]

    answers = register_all([server.root_url], fresh_account, webinar_id, batches)

    outcomes = Counter(
        "ok" if "registrant_id" in body else body["error"]["code"] for _, body in answers
    )
    assert outcomes == {"ok": 100, 3035: 300}
    assert database_counts(server, webinar_id) == (100, 100, 100)


ON_POSTGRES = os.environ.get("PODIUM_TEST_DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(not ON_POSTGRES, reason="several processes serve PostgreSQL only")
def test_races_across_two_processes(
    two_servers: list[str], server: PodiumServer, fresh_account: TestAccount
) -> None:
    webinar_id = create_webinar(server, fresh_account)
    shared = [f"both{n}@race.test" for n in range(20)]
    same = [[*shared, *(f"two{c}-{n}@race.test" for n in range(5))] for c in range(CLIENTS)]
    capacity_webinar = create_webinar(server, fresh_account)
    distinct = [[f"cap{c}-{n}@race.test" for n in range(50)] for c in range(CLIENTS)]

    answers = register_all(two_servers, fresh_account, webinar_id, same)
    capped = register_all(two_servers, fresh_account, capacity_webinar, distinct)

    ids_by_email: dict[str, set[str]] = {}
    for email, body in answers:
        ids_by_email.setdefault(email, set()).add(body["registrant_id"])
    assert all(len(ids) == 1 for ids in ids_by_email.values())
    assert database_counts(server, webinar_id) == (60, 60, 60)
    outcomes = Counter(
        "ok" if "registrant_id" in body else body["error"]["code"] for _, body in capped
    )
    assert outcomes == {"ok": 100, 3035: 300}
    assert database_counts(server, capacity_webinar) == (100, 100, 100)
