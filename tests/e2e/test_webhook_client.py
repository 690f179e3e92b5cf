"""The webhook HTTP client against real sockets: addresses not allowed are refused on the
address actually connected to (a name resolving to loopback included), nothing is sent there;
redirects are not followed; answers are read only up to a limit; no answer in time is a
transport failure."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from podium.errors import WebhookUrlRefused
from podium.web.webhook_client import READ_LIMIT, Answer, WebhookClient
from tests.mail_sink import run_async  # the main thread may run Playwright's loop

pytestmark = pytest.mark.e2e
T = TypeVar("T")


async def with_server(
    answer: bytes, work: Callable[[int, list[bytes]], Awaitable[T]], *, silent: bool = False
) -> T:
    """A raw HTTP server on 127.0.0.1 answering `answer` to every request (or nothing)."""
    received: list[bytes] = []
    writers: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        received.append(await reader.readuntil(b"\r\n\r\n"))
        if not silent:
            writer.write(answer)
            await writer.drain()
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await work(port, received)
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


def post(client: WebhookClient, url: str) -> Awaitable[Answer]:
    return client.post(url, b"{}", {"content-type": "application/json; charset=utf-8"})


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_loopback_is_refused_on_the_address_connected_to(host: str) -> None:
    async def work(port: int, received: list[bytes]) -> tuple[Answer, list[bytes]]:
        client = WebhookClient(allow_private=False)
        try:
            return await post(client, f"http://{host}:{port}/hook"), received
        finally:
            await client.close()

    answer, received = run_async(lambda: with_server(b"HTTP/1.1 200 OK\r\n\r\n", work))

    assert (answer.status, answer.final) == (None, True)
    assert answer.error.startswith("refused: ")
    assert "is a loopback address, which webhooks may not reach" in answer.error
    assert received == []  # nothing reached the server


def test_check_address_refuses_a_name_that_resolves_to_loopback() -> None:
    async def check() -> None:
        await WebhookClient(allow_private=False).check_address("http://localhost/hook")

    with pytest.raises(WebhookUrlRefused, match=r"localhost \(127\.0\.0\.1\) is a loopback"):
        run_async(check)


def test_a_redirect_is_not_followed_and_a_long_answer_is_cut() -> None:
    big = b"x" * (5 * READ_LIMIT)
    redirect = (
        b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n"
    )
    huge = b"HTTP/1.1 500 Oops\r\nContent-Length: %d\r\n\r\n%s" % (len(big), big)

    async def run(answer: bytes) -> Answer:
        async def work(port: int, _received: list[bytes]) -> Answer:
            client = WebhookClient(allow_private=True)
            try:
                return await post(client, f"http://127.0.0.1:{port}/hook")
            finally:
                await client.close()

        return await with_server(answer, work)

    moved, long = run_async(lambda: run(redirect)), run_async(lambda: run(huge))

    assert (moved.status, moved.body) == (302, b"")
    assert (long.status, len(long.body)) == (500, READ_LIMIT)


def test_no_answer_in_time_is_a_transport_failure() -> None:
    async def work(port: int, received: list[bytes]) -> tuple[Answer, int]:
        client = WebhookClient(allow_private=True, timeout=0.3)
        try:
            return await post(client, f"http://127.0.0.1:{port}/hook"), len(received)
        finally:
            await client.close()

    answer, requests = run_async(lambda: with_server(b"", work, silent=True))

    assert (answer.status, answer.error, answer.final) == (
        None,
        "no answer within 0.3 seconds",
        False,
    )
    assert requests == 1
