"""The live pages' event stream (web/event_stream.py): frames go out as they come, and a
client that leaves ends the stream at once (the hub is told; the generator is closed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, MutableMapping
from typing import Any

from podium.web.event_stream import EventStream
from tests.mail_sink import run_async


def test_frames_go_out_and_a_client_that_leaves_ends_the_stream() -> None:
    async def story() -> tuple[list[Any], list[str]]:
        told, left = asyncio.Event(), asyncio.Event()
        happened: list[str] = []
        sent: list[Any] = []

        async def frames() -> AsyncGenerator[str, None]:
            try:
                yield "retry: 2000\n\n"
                await told.wait()  # the hub's CLOSE: the generator ends
                yield ": last\n\n"
            finally:
                happened.append("generator closed")

        async def receive() -> dict[str, Any]:
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)
            if message.get("body") == b"retry: 2000\n\n":
                left.set()  # the client goes away after the first frame

        def on_disconnect() -> None:
            happened.append("hub told")
            told.set()

        stream = EventStream(frames(), on_disconnect, {"Cache-Control": "no-store"})
        async with asyncio.timeout(10):  # bounds a hang only
            await stream({"type": "http"}, receive, send)
        return sent, happened

    sent, happened = run_async(story)  # the main thread may hold Playwright's loop

    assert sent == [
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-store"),
            ],
        },
        {"type": "http.response.body", "body": b"retry: 2000\n\n", "more_body": True},
        {"type": "http.response.body", "body": b": last\n\n", "more_body": True},
    ]
    assert happened == ["hub told", "generator closed"]
