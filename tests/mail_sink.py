"""A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives, and can
refuse (421) or be stopped and started again to play a mail server that goes away."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

T = TypeVar("T")


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


class SinkHandler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.accept_only: int | None = None  # accept this many more, then answer 421
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802
        with self.lock:
            if self.accept_only is not None:
                if self.accept_only <= 0:
                    return "421 Service not available, closing transmission channel"
                self.accept_only -= 1
            content = envelope.content if isinstance(envelope.content, bytes) else b""
            parsed = email.message_from_bytes(content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=30"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=60
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if item.recipients == [address]]


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    sink.start()
    yield sink
    sink.stop()


def parts(message: EmailMessage) -> dict[str, Any]:
    """text, html and the calendar attachment of a received message."""
    found: dict[str, Any] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/plain" and "text" not in found:
            found["text"] = part.get_content().replace("\r\n", "\n")
        elif kind == "text/html":
            found["html"] = part.get_content().replace("\r\n", "\n")
        elif kind == "text/calendar":
            found["ics"] = part.get_payload(decode=True)
            found["ics_method"] = part.get_param("method")
    return found


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion in a thread of its own: the main thread may already run
    an event loop (Playwright's sync API keeps one for the whole session)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="run-async")
    worker.start()
    worker.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


OWN_HEADERS = sorted(
    [
        "Subject",
        "From",
        "To",
        "Date",
        "Message-ID",
        "Auto-Submitted",
        "MIME-Version",
        "Content-Type",
        "Content-Language",
    ]
)


def header_names(raw: bytes) -> list[str]:
    """The top-level header names of a raw message, sorted (continuation lines skipped)."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return sorted(
        line.split(b":", 1)[0].decode()
        for line in head.splitlines()
        if line and not line[:1].isspace()
    )
