"""Sync SQLAlchemy on the event loop vs SQLAlchemy's asyncio extension, measured in-process.

`python bench/session_styles.py` (needs `pip install aiosqlite`, which Podium does not
depend on): 64 concurrent tasks on one event loop each read one webinar row 200 times,
(1) through a sync Core connection, inline; (2) the same through a thread pool
(`asyncio.to_thread`); (3) through an AsyncConnection of `create_async_engine` on aiosqlite.
Prints reads per second of each and the ratio to the inline sync read.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from sqlalchemy import bindparam, create_engine, select
from sqlalchemy.ext.asyncio import create_async_engine

from podium.db import migrate
from podium.db.models import Webinar

TASKS, READS = 64, 200
QUERY = select(Webinar.__table__).where(Webinar.__table__.c.id == bindparam("webinar_id"))


async def sync_inline(url: str) -> float:
    engine = create_engine(url)
    with engine.connect() as connection:

        async def reader() -> None:
            for _ in range(READS):
                connection.execute(QUERY, {"webinar_id": 1}).first()
                await asyncio.sleep(0)

        began = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(TASKS)))
        return TASKS * READS / (time.perf_counter() - began)


async def sync_in_threads(url: str) -> float:
    engine = create_engine(url, pool_size=8, max_overflow=64)

    def read() -> None:
        with engine.connect() as connection:
            connection.execute(QUERY, {"webinar_id": 1}).first()

    async def reader() -> None:
        for _ in range(READS):
            await asyncio.to_thread(read)

    began = time.perf_counter()
    await asyncio.gather(*(reader() for _ in range(TASKS)))
    return TASKS * READS / (time.perf_counter() - began)


async def asyncio_extension(url: str) -> float:
    engine = create_async_engine(
        url.replace("sqlite://", "sqlite+aiosqlite://"), pool_size=8, max_overflow=64
    )

    async def reader() -> None:
        async with engine.connect() as connection:
            for _ in range(READS):
                (await connection.execute(QUERY, {"webinar_id": 1})).first()

    began = time.perf_counter()
    await asyncio.gather(*(reader() for _ in range(TASKS)))
    rate = TASKS * READS / (time.perf_counter() - began)
    await engine.dispose()
    return rate


def main() -> None:
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'styles.sqlite3'}"
    migrate.upgrade(url)
    results = {
        "sync Core connection, inline on the loop": asyncio.run(sync_inline(url)),
        "sync, through a thread pool (asyncio.to_thread)": asyncio.run(sync_in_threads(url)),
        "SQLAlchemy asyncio extension (aiosqlite)": asyncio.run(asyncio_extension(url)),
    }
    inline = results["sync Core connection, inline on the loop"]
    print("| style | reads/s | ratio |\n|---|---:|---:|")
    for name, rate in results.items():
        print(f"| {name} | {rate:,.0f} | {rate / inline:.2f} |")


if __name__ == "__main__":
    main()
