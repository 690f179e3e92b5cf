"""Identifiers and tokens: `secrets` in production, a seeded generator in tests."""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Callable

RandomBytes = Callable[[int], bytes]


def _urlsafe(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class Ids:
    """Every random identifier Podium hands out comes from here."""

    def __init__(self, random_bytes: RandomBytes = secrets.token_bytes) -> None:
        self._random_bytes = random_bytes

    @classmethod
    def seeded(cls, seed: int) -> Ids:
        """Deterministic ids for tests; never used by a running server."""
        generator = random.Random(seed)  # noqa: S311 - test determinism, not security
        return cls(generator.randbytes)

    def webinar_id(self) -> int:
        """A random 10-digit webinar id (never sequential, never starting with 0)."""
        number = int.from_bytes(self._random_bytes(8), "big")
        return 1_000_000_000 + number % 9_000_000_000

    def uuid(self) -> str:
        """16 random bytes in standard base64: 24 characters, like Zoom's uuids."""
        return base64.b64encode(self._random_bytes(16)).decode("ascii")

    def host_id(self) -> str:
        """An opaque user id of 22 characters."""
        return _urlsafe(self._random_bytes(16))

    def registrant_id(self) -> str:
        return _urlsafe(self._random_bytes(16))

    def api_key(self) -> str:
        return _urlsafe(self._random_bytes(16))

    def api_secret(self) -> str:
        """256 random bits: stored only as a keyed hash."""
        return _urlsafe(self._random_bytes(32))

    def token(self) -> str:
        """A URL token (zak, tk) or nonce carrying 128 random bits."""
        return _urlsafe(self._random_bytes(16))

    def request_id(self) -> str:
        """A random UUID (version 4), as Zoom's x-zm-request-id looks."""
        raw = bytearray(self._random_bytes(16))
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        text = raw.hex()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def secret_key(self) -> bytes:
        return self._random_bytes(32)
