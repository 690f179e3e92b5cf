"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that checks each request the
way Zoom's own SDK does (@zoom/rivet's HttpReceiver) and keeps the ones it verified.

Like Rivet, it re-serialises the parsed body as JavaScript's JSON.stringify would and checks
`x-zm-signature` = "v0=" + hex(HMAC-SHA-256(secret, "v0:{timestamp}:{that}")); it answers
`endpoint.url_validation` with {plainToken, encryptedToken}, refuses what it cannot verify
with Rivet's 400 answers, and answers 200 to every verified event. It shares no code with
Podium's sender, on purpose.

    with server.webhook_sink(account) as sink:       # subscribed to every event
        ...                                          # register, start, end …
        sink.wait_for("webinar.registration_created")
        assert sink.deliveries(event="webinar.registration_created")[0].body[...] == …

`fail_with(status, count)` makes the next answers fail; `stall()` makes it stop answering
(until `resume()`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


def js_stringify(value: Any) -> str:
    """JSON.stringify(value) for what JSON.parse gives: compact, non-ASCII unescaped,
    numbers as JavaScript prints them."""
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, dict):
        items = (f"{json.dumps(k, ensure_ascii=False)}:{js_stringify(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(js_stringify(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _js_number(number: float) -> str:
    if not math.isfinite(number):
        return "null"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    text = repr(number)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{'+' if int(exponent) > 0 else '-'}{abs(int(exponent))}"
    return text


class QuietServer(ThreadingHTTPServer):
    """A sender that hangs up (a timeout, a kill) is no error of the receiver's."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Received:
    event: str
    body: dict[str, Any]
    raw: bytes
    headers: dict[str, str]
    at: float  # time.time() when it arrived
    answered: int  # the HTTP status it was answered with


SINK_SECRET = "podium-sink-secret-token"  # noqa: S105 - a test receiver's default


class WebhookSink:
    def __init__(self, secret_token: str = SINK_SECRET) -> None:
        self.secret_token = secret_token
        self.path = "/zoom/events"
        self._received: list[Received] = []
        self._refused: list[tuple[int, str]] = []
        self._validations = 0
        self._failures: list[int] = []
        self._answering = threading.Event()
        self._answering.set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.subscription_id = ""  # when PodiumServer.webhook_sink subscribed it
        self.on_stop: list[Callable[[], object]] = []  # e.g. remove that subscription

    # -- what it received ------------------------------------------------------------------

    def deliveries(self, event: str | None = None) -> list[Received]:
        """Verified deliveries (URL validations excluded), oldest first; those it was told to
        fail (`fail_with`) are among them, with that status in `answered`."""
        with self._lock:
            return [item for item in self._received if event in (None, item.event)]

    @property
    def refused(self) -> list[tuple[int, str]]:
        """Requests refused: (status, reason)."""
        with self._lock:
            return list(self._refused)

    @property
    def validations(self) -> int:
        with self._lock:
            return self._validations

    def wait_for(
        self, event: str | None = None, count: int = 1, timeout: float = 15
    ) -> list[Received]:
        """At least `count` deliveries (of `event`), polled until `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.deliveries(event)
            if len(found) >= count or time.monotonic() > deadline:
                if len(found) < count:
                    raise AssertionError(f"{len(found)} of {count} {event or 'deliveries'} came")
                return found
            time.sleep(0.01)

    # -- how it answers --------------------------------------------------------------------

    def fail_with(self, status: int, count: int = 1) -> None:
        """The next `count` verified events get `status` (a 500 handler error, a 404 …)."""
        with self._lock:
            self._failures.extend([status] * count)

    def stall(self) -> None:
        """Stop answering (requests wait until `resume`)."""
        self._answering.clear()

    def resume(self) -> None:
        self._answering.set()

    # -- the server ------------------------------------------------------------------------

    def start(self) -> Self:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                sink._answering.wait()
                status, answer = sink._answer(self.path, raw, headers)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self.send_response(405)
                self.send_header("content-length", "0")
                self.end_headers()

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}{self.path}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook-sink", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        for callback in self.on_stop:
            callback()
        self.on_stop.clear()
        self._answering.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self if self._server is not None else self.start()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- Rivet's checks, in Rivet's order --------------------------------------------------

    def _verify(self, path: str, raw: bytes, headers: dict[str, str]) -> dict[str, Any] | str:
        """The parsed body, or why Rivet would refuse it (an answer of 400; 404 for a path)."""
        if path.split("?", 1)[0] != self.path:
            return "Not found."
        try:
            body = json.loads(raw)
        except ValueError:
            return "Failed to parse payload string to JSON."
        if not isinstance(body, dict) or not isinstance(body.get("event"), str):
            return "Request payload structure does not match expected from Zoom."
        signed, stamp = headers.get("x-zm-signature"), headers.get("x-zm-request-timestamp")
        if signed is None and stamp is None:
            return "Request payload must have signature and request timestamp from Zoom."
        message = f"v0:{stamp}:{js_stringify(body)}".encode()
        digest = hmac.new(self.secret_token.encode(), message, hashlib.sha256).hexdigest()
        if signed != f"v0={digest}":
            return "Failed to verify event originated from Zoom."
        return body

    def _answer(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        body = self._verify(path, raw, headers)
        if isinstance(body, str):
            status = 404 if body == "Not found." else 400
            with self._lock:
                self._refused.append((status, body))
            return status, {"error": body}
        if body["event"] == "endpoint.url_validation":
            plain = str(body.get("payload", {}).get("plainToken", ""))
            encrypted = hmac.new(
                self.secret_token.encode(), plain.encode(), hashlib.sha256
            ).hexdigest()
            with self._lock:
                self._validations += 1
            return 200, {"plainToken": plain, "encryptedToken": encrypted}
        with self._lock:
            status = self._failures.pop(0) if self._failures else 200
            self._received.append(Received(body["event"], body, raw, headers, time.time(), status))
        if status != 200:
            return status, {"error": "An unknown error occurred. Please try again later."}
        return 200, {"message": "Zoom event processed successfully."}
