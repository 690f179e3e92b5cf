"""Live events across processes: PostgreSQL LISTEN/NOTIFY carries every event to every
Podium process on the same database, and each delivers it to its own connected pages.

A NOTIFY payload stops at 8,000 bytes. A larger message (a poll with long questions, a long
answer) goes as numbered pieces of one message id, sent back to back on the one sending
connection, and each process joins them before delivering: no event is lost for its size.
Pieces of a message whose sender died half-way are dropped after PIECES_KEPT_SECONDS.

With SQLite (one process) the hub delivers directly and no relay runs.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import make_url

from podium.db.engine import normalise_url

CHANNEL = "podium_live"
MAX_PAYLOAD = 7900  # NOTIFY payloads stop at 8,000 bytes
# Characters of a large message per NOTIFY: ASCII JSON, whose quotes and backslashes the
# piece's own JSON escapes again (at worst twice as long), under MAX_PAYLOAD with its header.
PIECE = 3800
PIECES_KEPT_SECONDS = 60.0
log = logging.getLogger("podium.relay")


def notices(message: dict[str, Any], message_id: str) -> list[str]:
    """The NOTIFY payloads of one message: itself, or its numbered pieces."""
    payload = json.dumps(message)  # ASCII: characters are bytes
    if len(payload) <= MAX_PAYLOAD:
        return [payload]
    parts = [payload[start : start + PIECE] for start in range(0, len(payload), PIECE)]
    return [
        json.dumps({"piece": message_id, "i": index, "n": len(parts), "p": part})
        for index, part in enumerate(parts)
    ]


@dataclass
class Pieces:
    """Messages arriving in pieces, joined once whole."""

    waiting: dict[str, tuple[float, dict[int, str]]] = field(default_factory=dict)

    def take(self, notice: dict[str, Any], now: float) -> dict[str, Any] | None:
        """The whole message once `notice` completes it (a plain message at once)."""
        for stale in [k for k, (at, _) in self.waiting.items() if now - at > PIECES_KEPT_SECONDS]:
            del self.waiting[stale]
        if "piece" not in notice:
            return notice
        _, parts = self.waiting.setdefault(notice["piece"], (now, {}))
        parts[int(notice["i"])] = notice["p"]
        if len(parts) < int(notice["n"]):
            return None
        del self.waiting[notice["piece"]]
        whole: dict[str, Any] = json.loads("".join(parts[i] for i in range(len(parts))))
        return whole


def conninfo(database_url: str) -> str:
    url = make_url(normalise_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def postgres_relay(hub: Any, database_url: str) -> AsyncIterator[None]:
    """Route `hub.publish` through NOTIFY while the app runs; LISTEN delivers to this process."""
    import psycopg  # the `postgres` extra: only needed when the database is PostgreSQL

    listener = await psycopg.AsyncConnection.connect(conninfo(database_url), autocommit=True)
    sender = await psycopg.AsyncConnection.connect(conninfo(database_url), autocommit=True)
    await listener.execute(f"LISTEN {CHANNEL}")
    sending: set[asyncio.Task[Any]] = set()
    lock = asyncio.Lock()
    ids = (f"{secrets.token_hex(6)}-{n}" for n in itertools.count())
    pieces = Pieces()

    async def send(payloads: list[str]) -> None:
        async with lock:  # one statement at a time on the sending connection, in order
            try:
                for payload in payloads:
                    await sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
            except psycopg.Error:
                log.exception("a live event could not be relayed to the other processes")

    def relay(message: dict[str, Any]) -> bool:
        task = asyncio.get_running_loop().create_task(send(notices(message, next(ids))))
        sending.add(task)
        task.add_done_callback(sending.discard)
        return True

    async def listen() -> None:
        async for notice in listener.notifies():
            message = pieces.take(json.loads(notice.payload), time.monotonic())
            if message is not None:
                roles, to = tuple(message["r"]), message.get("t", "")
                hub.deliver(message["w"], message["e"], message["d"], roles, to)

    task = asyncio.create_task(listen())
    hub.relay = relay
    try:
        yield
    finally:
        hub.relay = None
        task.cancel()
        await asyncio.gather(task, *sending, return_exceptions=True)
        await listener.close()
        await sender.close()
