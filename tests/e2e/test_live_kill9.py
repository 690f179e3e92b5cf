"""kill -9 during a live poll: every vote the server acknowledged is in the report after a
restart, none is counted twice, and the live counts (in memory, seeded again from the
database after the restart: web/live_counts.py) show the host what the report holds."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest

from tests.e2e.harness import account, grown, start

pytestmark = pytest.mark.e2e
VOTERS = 120
WRITERS = 4
CHOICES = ("Yes", "No", "Maybe")
POLL = {"title": "Pulse", "questions": [{"name": "Ready?", "answers": list(CHOICES)}]}


def path(link: str) -> str:
    return urlsplit(link)._replace(scheme="", netloc="").geturl()


def page_pass(client: httpx2.Client, url: str, link: str) -> str:
    found = re.search(r'data-pass="([^"]+)"', client.get(url + path(link)).text)
    assert found is not None
    return found.group(1)


def act(
    client: httpx2.Client, url: str, webinar_id: int, token: str, action: str, body: Any
) -> Any:
    answer = client.post(
        f"{url}/live/{webinar_id}/{action}", json=body, headers={"X-Podium-Pass": token}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def host_results(url: str, webinar_id: int, host: str, total: int) -> dict[str, Any]:
    """The host's live results once they count `total` votes (a stream with a deadline)."""
    with (
        httpx2.Client(timeout=30) as client,
        client.stream("GET", f"{url}/live/{webinar_id}/events", params={"pass": host}) as stream,
    ):
        assert (
            stream.headers["content-type"],
            stream.headers["cache-control"],
            stream.headers["x-content-type-options"],
            stream.headers["content-security-policy"].startswith("default-src 'self'"),
            len(stream.headers["x-request-id"]) > 0,
        ) == ("text/event-stream; charset=utf-8", "no-store", "nosniff", True, True)
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event in ("state", "results"):
                data = json.loads(line[6:])
                # the first state already counts the votes made before the stream opened (a
                # slow machine opens it after the last coalesced push); later ones come as
                # "results"
                found = (
                    [
                        {key: poll[key] for key in ("poll_id", "results", "shared")}
                        for poll in data["polls"]
                    ]
                    if event == "state"
                    else [data]
                )
                for shown in found:
                    if sum(shown["results"].get("Ready?", {}).values()) == total:
                        return dict(shown)
    raise AssertionError("the stream ended before the results counted every vote")


def live_poll(url: str, keys: dict[str, str]) -> tuple[int, str, dict[str, str], int]:
    """A webinar gone live with VOTERS registrants and a launched poll: its id, the host's
    pass, each voter's pass (by e-mail) and the poll's id."""
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    with httpx2.Client(timeout=10) as client:
        webinar_id = client.post(
            f"{url}/v1/webinar/create",
            data={
                **credentials,
                "host_id": keys["host_id"],
                "topic": "K",
                "approval_type": "0",
                "start_time": "2099-01-01T10:00:00Z",
            },
        ).json()["id"]
        links = {
            f"v{n}@x.test": client.post(
                f"{url}/v1/webinar/register",
                data={
                    **credentials,
                    "id": webinar_id,
                    "email": f"v{n}@x.test",
                    "first_name": "V",
                    "last_name": str(n),
                },
            ).json()["join_url"]
            for n in range(VOTERS)
        }
        start_url = client.post(
            f"{url}/v1/webinar/get",
            data={**credentials, "host_id": keys["host_id"], "id": webinar_id},
        ).json()["start_url"]
        host = page_pass(client, url, start_url)
        passes = {email: page_pass(client, url, link) for email, link in links.items()}
        act(client, url, webinar_id, host, "start", {"early": True})
        poll_id = act(client, url, webinar_id, host, "polls", POLL)["poll_id"]
        act(client, url, webinar_id, host, "launch", {"poll_id": poll_id})
    return webinar_id, host, passes, poll_id


def kill_9(
    process: subprocess.Popen[str], stop: threading.Event, threads: list[threading.Thread]
) -> None:
    """SIGKILL now, while the voters vote; then the voters stop."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert process.stdout is not None
    process.stdout.close()


def test_acknowledged_votes_survive_sigkill_and_count_once(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'podium.sqlite3'}"
    keys = account(["--database-url", database])
    credentials = {"api_key": keys["api_key"], "api_secret": keys["api_secret"]}
    chance = random.Random(20261130)
    process, url, _ = start(database)
    webinar_id, host, passes, poll_id = live_poll(url, keys)

    acked: dict[str, str] = {}
    lock = threading.Lock()
    waiting = list(passes)

    def vote(client: httpx2.Client, url: str, email: str, choice: str) -> bool:
        body = {"poll_id": poll_id, "answers": {"Ready?": [choice]}}
        try:
            answer = client.post(
                f"{url}/live/{webinar_id}/vote", json=body, headers={"X-Podium-Pass": passes[email]}
            )
        except httpx2.TransportError:
            return False  # not acknowledged: the server died under it
        assert answer.json() == {"voted": poll_id}, answer.text
        with lock:
            acked[email] = choice
        return True

    def voter(seed: int, stop: threading.Event) -> None:
        rng = random.Random(seed)
        with httpx2.Client(timeout=5) as client:
            while not stop.is_set():
                with lock:
                    if not waiting:
                        return
                    email = waiting.pop()
                vote(client, url, email, rng.choice(CHOICES))

    stop = threading.Event()
    threads = [threading.Thread(target=voter, args=(n, stop)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    grown(acked, chance.randint(20, 60))  # the random moment
    kill_9(process, stop, threads)

    process, url, _ = start(database)
    try:
        with httpx2.Client(timeout=10) as client:
            # Whoever was not acknowledged votes (again); ten acknowledged voters change theirs.
            for email in [e for e in passes if e not in acked] + sorted(acked)[:10]:
                choice = chance.choice([c for c in CHOICES if c != acked.get(email)])
                assert vote(client, url, email, choice)
            seen = host_results(url, webinar_id, host, VOTERS)
            act(client, url, webinar_id, host, "end", {})
            report = client.post(
                f"{url}/v1/webinar/polls",
                data={**credentials, "host_id": keys["host_id"], "id": webinar_id},
            ).json()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()

    counted = Counter(acked.values())
    assert len(acked) == VOTERS
    assert seen == {
        "poll_id": poll_id,
        "results": {"Ready?": {choice: counted[choice] for choice in CHOICES}},
        "shared": False,
    }
    answered = [
        (person["email"], detail["question"], detail["answer"])
        for person in report["questions"]
        for detail in person["question_details"]
    ]
    assert sorted(answered) == sorted((email, "Ready?", choice) for email, choice in acked.items())
