"""PostgreSQL durability: the database itself stops at once (`pg_ctl stop -m immediate`, a
crash) in a throwaway cluster this test creates, under writers; meanwhile clients get the v1
envelope with 503; after the database is back every acknowledged write is there and equal.
Runs in the PostgreSQL pass of the suite (it needs PostgreSQL's server binaries)."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator

import httpx2
import pytest

from tests import serving
from tests.e2e.harness import Cluster, account, grown

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.environ.get("PODIUM_TEST_DATABASE_URL"), reason="the PostgreSQL pass runs it"
    ),
]
CYCLES = 3


def register(
    client: httpx2.Client, url: str, values: dict[str, object], unanswered: list[str]
) -> httpx2.Response | None:
    """The answer to a registration; None, and the call kept in `unanswered`, if none came."""
    try:
        return client.post(
            f"{url}/v1/webinar/register", data={**values, "first_name": "P", "last_name": "G"}
        )
    except httpx2.TransportError as error:
        unanswered.append(f"{values['email']}: {error!r}")  # list.append is atomic
        return None


UNAVAILABLE = {
    "error": {
        "code": 503,
        "message": "The database is unavailable right now; nothing was changed. Try again later.",
    }
}


def registered(url: str, credentials: dict[str, str], webinar_id: int) -> dict[str, str]:
    """Every registrant of the webinar, through webinar/registration: e-mail → id."""
    stored: dict[str, str] = {}
    page, pages = 1, 1
    while page <= pages:
        answer = httpx2.post(
            f"{url}/v1/webinar/registration",
            data={**credentials, "id": webinar_id, "page_size": "300", "page_number": str(page)},
        ).json()
        stored |= {item["email"]: item["id"] for item in answer["attendees"]}
        pages, page = answer["page_count"], page + 1
    return stored


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    made = Cluster()
    made.start()
    yield made
    made.remove()


def test_acknowledged_writes_survive_a_database_crash(cluster: Cluster) -> None:
    option = ["--database-url", cluster.url]
    keys = account(option)
    server = serving.serve(*option)
    url = server.url
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    webinar_id = httpx2.post(
        f"{url}/v1/webinar/create",
        data={
            **credentials,
            "host_id": keys["host_id"],
            "topic": "P",
            "approval_type": "0",
            "start_time": "2099-01-01T10:00:00Z",
        },
    ).json()["id"]
    acked: dict[str, str] = {}
    refusals: list[tuple[int, object]] = []
    unanswered: list[str] = []
    lock = threading.Lock()
    chance = random.Random(53)

    def write(writer: int, cycle: int, stop: threading.Event) -> None:
        number = 0
        # the generous timeout bounds a hang only: a call not answered in it is kept and fails
        # the test (every call gets an answer), without ending this writer
        with httpx2.Client(timeout=60) as client:
            while not stop.is_set():
                email = f"c{cycle}w{writer}n{number}@x.test"
                number += 1
                values = {**credentials, "id": webinar_id, "email": email}
                response = register(client, url, values, unanswered)
                if response is None:
                    continue
                answer = response.json()
                with lock:
                    if "registrant_id" in answer:
                        acked[email] = answer["registrant_id"]
                    else:
                        refusals.append((response.status_code, answer))

    try:
        for cycle in range(CYCLES):
            stop = threading.Event()
            threads = [threading.Thread(target=write, args=(n, cycle, stop)) for n in range(4)]
            for thread in threads:
                thread.start()
            grown(acked, len(acked) + chance.randint(20, 200))  # the random moment
            cluster.crash()
            grown(refusals, len(refusals) + 4)  # writers met the outage
            cluster.start()
            grown(acked, len(acked) + 4)  # and the way back
            stop.set()
            for thread in threads:
                thread.join(timeout=120)  # longer than a call may take
        stored = registered(url, {**credentials, "host_id": keys["host_id"]}, webinar_id)
    finally:
        server.stop()

    assert unanswered == []
    assert len(acked) > CYCLES * 4
    assert {email: stored.get(email) for email in acked} == acked
    assert refusals, "the crash was seen by some writers"
    assert {status for status, _ in refusals} == {503}
    assert all(answer == UNAVAILABLE for _, answer in refusals)
