"""A Server-Sent Events answer for thousands of open streams at once.

Starlette's StreamingResponse watches for the client's disconnect in an anyio task group
(ASGI spec 2.3, which uvicorn speaks: a send to a closed connection is silently dropped):
per open stream that is a task group, a cancel scope and their state, measured at about a
third of a stream's memory. Here one plain task waits for `http.disconnect` and calls
`on_disconnect` (the live hub ends the page's stream at once), and the frames are sent as
the generator yields them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Mapping

from starlette.responses import Response
from starlette.types import Receive, Scope, Send


class EventStream(Response):
    def __init__(  # nothing of Response's own rendering applies: no super().__init__
        self,
        chunks: AsyncGenerator[str, None],
        on_disconnect: Callable[[], None],
        headers: Mapping[str, str],
    ) -> None:
        self.chunks, self.on_disconnect = chunks, on_disconnect
        self.raw_headers = [(b"content-type", b"text/event-stream; charset=utf-8")] + [
            (key.lower().encode("latin-1"), value.encode("latin-1"))
            for key, value in headers.items()
        ]
        self.status_code = 200
        self.background = None

    async def __call__(self, _scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": 200, "headers": self.raw_headers}
        await send(start)
        watcher = asyncio.get_running_loop().create_task(self._watch(receive))
        try:
            async for chunk in self.chunks:
                await send(
                    {"type": "http.response.body", "body": chunk.encode(), "more_body": True}
                )
                if watcher.done():  # the client left: stop at once
                    return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the connection broke under a send
            return
        finally:
            watcher.cancel()
            await self.chunks.aclose()

    async def _watch(self, receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.on_disconnect()
