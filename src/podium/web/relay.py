"""Live events across processes: PostgreSQL LISTEN/NOTIFY carries every event to every
Podium process on the same database, and each delivers it to its own connected pages.

With SQLite (one process) the hub delivers directly and no relay runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.engine import make_url

from podium.db.engine import normalise_url

CHANNEL = "podium_live"
MAX_PAYLOAD = 7900  # NOTIFY payloads stop at 8,000 bytes
log = logging.getLogger("podium.relay")


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

    async def send(payload: str) -> None:
        async with lock:  # one statement at a time on the sending connection, in order
            await sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def relay(message: dict[str, Any]) -> bool:
        payload = json.dumps(message)
        if len(payload.encode()) > MAX_PAYLOAD:
            log.warning("live event too large for NOTIFY: only this process's pages get it")
            return False
        task = asyncio.get_running_loop().create_task(send(payload))
        sending.add(task)
        task.add_done_callback(sending.discard)
        return True

    async def listen() -> None:
        async for notice in listener.notifies():
            message = json.loads(notice.payload)
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
