"""The reference: a bare ASGI app that reads one SQLite row per request and answers JSON.

What Podium is measured against: the same single-row read, with no framework at all.
Run by bench/run.py under uvicorn's defaults (uvloop, httptools), without access log;
Podium runs the asyncio loop instead (bench/README.md says why).
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import Any
from urllib.parse import parse_qsl

DATABASE = os.environ["BENCH_SQLITE_PATH"]
_connection = sqlite3.connect(DATABASE, check_same_thread=False)
_connection.execute("PRAGMA journal_mode = WAL")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    params = dict(parse_qsl(body.decode()))
    row = _connection.execute(
        "SELECT id, uuid, topic, agenda, type, status, start_at, duration, timezone, created_at "
        "FROM webinars WHERE id = ?",
        (int(params.get("id", "0")),),
    ).fetchone()
    names = (
        "id",
        "uuid",
        "topic",
        "agenda",
        "type",
        "status",
        "start_time",
        "duration",
        "timezone",
        "created_at",
    )
    answer = dict(zip(names, row, strict=True)) if row else {"error": "not found"}
    answer |= {
        "join_url": f"http://127.0.0.1/j/{params.get('id')}",
        "option_audio": "both",
        "start_url": "http://127.0.0.1/s/x?zak=" + "x" * 54,
        "registration_url": "",
        "option_enforce_login": False,
        "option_enforce_login_domains": "",
        "option_alternative_hosts": "",
        "host_id": "x" * 22,
    }
    payload = json.dumps(answer).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
