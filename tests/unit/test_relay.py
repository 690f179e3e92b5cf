"""Live messages across processes (web/relay.py): through PostgreSQL NOTIFY, whatever their
size — a message over NOTIFY's 8,000 bytes goes in pieces and arrives whole."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from podium.web.live_hub import Frame, LiveHub
from podium.web.relay import MAX_PAYLOAD, PIECES_KEPT_SECONDS, Pieces, notices, postgres_relay
from tests.mail_sink import run_async

ON_POSTGRES = os.environ.get("PODIUM_TEST_DATABASE_URL", "").startswith("postgres")
BIG_POLL = {
    "poll_id": 7,
    "title": "Long",
    "questions": [
        {"name": f"Question {n} " + "é" * 5000, "answers": ["Yes", "No"]} for n in range(5)
    ],
}


def test_a_large_message_goes_in_pieces_and_is_joined_in_any_order() -> None:
    message = {"w": 1, "e": "poll", "d": BIG_POLL, "r": ["host"]}
    payloads = notices(message, "m1")
    small = notices({"w": 1, "e": "ended", "d": {}, "r": ["host"]}, "m2")

    assert len(json.dumps(message)) > 50_000
    assert all(len(p.encode()) <= MAX_PAYLOAD for p in payloads)
    assert [json.loads(p)["i"] for p in payloads] == list(range(len(payloads)))
    assert small == ['{"w": 1, "e": "ended", "d": {}, "r": ["host"]}']
    joined = Pieces()
    arrived = [joined.take(json.loads(p), now=0.0) for p in reversed(payloads)]
    assert arrived[:-1] == [None] * (len(payloads) - 1)
    assert arrived[-1] == message
    assert joined.waiting == {}


def test_pieces_of_a_sender_that_died_are_dropped() -> None:
    payloads = notices({"w": 1, "e": "poll", "d": BIG_POLL, "r": ["host"]}, "dead")
    joined = Pieces()
    joined.take(json.loads(payloads[0]), now=0.0)

    assert joined.take({"w": 2, "e": "ended", "d": {}, "r": []}, now=PIECES_KEPT_SECONDS + 1)
    assert joined.waiting == {}


@pytest.mark.skipif(not ON_POSTGRES, reason="the relay runs on PostgreSQL only")
def test_a_50_kb_poll_reaches_the_pages_of_another_process(database_url: str) -> None:
    url = database_url  # this run's own database: NOTIFY channels are per database
    sender, receiver = LiveHub(), LiveHub()

    def shown(frame: Frame) -> tuple[str, object]:
        data = next(line for line in frame.text.splitlines() if line.startswith("data: "))
        return frame.event, json.loads(data[len("data: ") :])

    async def story() -> list[tuple[str, object]]:
        async with postgres_relay(sender, url), postgres_relay(receiver, url):
            page = receiver.subscribe(42, "attendee")
            own = sender.subscribe(42, "attendee")
            sender.publish(42, "poll", BIG_POLL)
            sender.publish(42, "ended", {})
            async with asyncio.timeout(60):  # bounds a hang only
                got = [shown(await page.queue.get()), shown(await page.queue.get())]
                mine = [shown(await own.queue.get()), shown(await own.queue.get())]
            assert mine == got
            return got

    assert run_async(story) == [("poll", BIG_POLL), ("ended", {})]
