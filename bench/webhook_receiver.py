"""A lean webhook receiver for the bench (one process, asyncio, HTTP/1.1 keep-alive).

    python bench/webhook_receiver.py PORT SECRET [--dead]

Answers Zoom's URL validation; checks each event's signature the way Zoom's SDK does (the
parsed body re-serialised compactly, non-ASCII as is); keeps, for each verified
registration_created, the registrant's e-mail and when it arrived. `--dead`: after the
validation it reads requests and never answers. GET /stats gives what it kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import time

PORT, SECRET = int(sys.argv[1]), sys.argv[2].encode()
DEAD = "--dead" in sys.argv
arrivals: list[tuple[str, float]] = []
refused = 0


def answer(status: int, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    return head.encode() + b"\r\n\r\n" + body


def handle_event(headers: dict[str, str], raw: bytes) -> bytes | None:
    global refused
    body = json.loads(raw)
    again = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    message = f"v0:{headers.get('x-zm-request-timestamp')}:{again}".encode()
    if (
        headers.get("x-zm-signature")
        != "v0=" + hmac.new(SECRET, message, hashlib.sha256).hexdigest()
    ):
        refused += 1
        return answer(400, b'{"error":"Failed to verify event originated from Zoom."}')
    if body["event"] == "endpoint.url_validation":
        plain = body["payload"]["plainToken"]
        encrypted = hmac.new(SECRET, plain.encode(), hashlib.sha256).hexdigest()
        return answer(200, json.dumps({"plainToken": plain, "encryptedToken": encrypted}).encode())
    if DEAD:
        return None
    if body["event"] == "webinar.registration_created":
        arrivals.append((body["payload"]["object"]["registrant"]["email"], time.time()))
    return answer(200, b'{"message":"Zoom event processed successfully."}')


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method = lines[0].split(" ", 1)[0]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            raw = await reader.readexactly(int(headers.get("content-length", "0")))
            if method == "GET":
                stats = {"arrivals": arrivals, "refused": refused}
                writer.write(answer(200, json.dumps(stats).encode()))
                continue
            reply = handle_event(headers, raw)
            if reply is None:  # dead: hold the connection, answer nothing
                await asyncio.sleep(3600)
            writer.write(reply)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", PORT, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())
