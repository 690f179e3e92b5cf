"""Webhook requests over HTTP, as Zoom sends them, and the addresses they may not reach.

aiohttp, not httpx2: in this machine's measurement a POST to a local receiver cost ~850 µs of
CPU through httpx2 (h11 and anyio in pure Python) and ~110 µs through aiohttp (llhttp in C),
and the delivery worker shares the server's process and core (docs/webhooks.md). aiohttp also
lets a resolver decide which addresses a connection may use: `GuardedResolver` refuses
loopback, private, link-local and metadata addresses among the ones a name resolves to, and
aiohttp connects only to what the resolver returned, so a name that resolves differently the
second time cannot slip through. Literal IP addresses (which aiohttp does not resolve) are
checked before the request.

Every request: POST, `content-type: application/json; charset=utf-8`, `user-agent: Zoom
Marketplace/1.0a`, `x-zm-request-id`, `x-zm-request-timestamp` (seconds) and `x-zm-signature`;
redirects are not followed; at most READ_LIMIT bytes of an answer are read; an answer must come
within 3 seconds.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from podium.errors import WebhookUrlRefused
from podium.services.webhook_payloads import (
    encrypted_token,
    signature,
    url_validation_body,
)

TIMEOUT_SECONDS = 3.0
READ_LIMIT = 16 * 1024
USER_AGENT = "Zoom Marketplace/1.0a"
# Cloud metadata services: AWS/GCP/Azure/OpenStack, AWS IPv6, ECS tasks, Alibaba.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200")
)


def address_kind(address: str) -> str | None:
    """Why webhooks may not reach `address` ("loopback", "private", "link-local",
    "metadata", …), or None for a public address."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]
    )
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    kinds = (
        ("metadata", ip in METADATA),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private or not ip.is_global),
    )
    return next((kind for kind, matches in kinds if matches), None)


class AddressRefused(OSError):
    """The URL leads to an address webhooks may not reach."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        shown = host if host == address else f"{host} ({address})"
        super().__init__(
            f"{shown} is a {kind} address, which webhooks may not reach "
            "(allowed only on a --sandbox server or with PODIUM_WEBHOOK_ALLOW_PRIVATE=1)"
        )
        self.kind = kind


class GuardedResolver(AbstractResolver):
    """The system resolver, refusing names that lead to addresses not allowed."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not self.allow_private:
            for item in found:
                kind = address_kind(item["host"])
                if kind is not None:
                    raise AddressRefused(host, item["host"], kind)
        return found

    async def close(self) -> None:
        await self._inner.close()


def _literal_refusal(url: str, allow_private: bool) -> AddressRefused | None:
    host = (urlsplit(url).hostname or "").strip("[]")
    try:
        kind = None if allow_private else address_kind(host)
    except ValueError:  # a name: the resolver checks it
        return None
    return None if kind is None else AddressRefused(host, host, kind)


@dataclass(frozen=True)
class Answer:
    """What one request got: an HTTP status and the start of the body, or an error."""

    status: int | None
    body: bytes
    duration_ms: int
    error: str = ""
    final: bool = False  # refused by policy: retrying will not help

    def shown(self) -> str:
        """The answer in words, for a person."""
        if self.status is None:
            return self.error
        text = self.body[:300].decode("utf-8", errors="replace")
        return f"it answered HTTP {self.status}" + (f": {text}" if text else "")


def request_headers(
    secret_token: str, body: bytes, *, timestamp: int, request_id: str, bad_signature: bool = False
) -> dict[str, str]:
    signed = signature(secret_token, timestamp, body)
    if bad_signature:  # a sandbox fault: what a receiver must refuse
        signed = signature(secret_token + "-not-the-secret", timestamp, body)
    return {
        "content-type": "application/json; charset=utf-8",
        "user-agent": USER_AGENT,
        "x-zm-request-id": request_id,
        "x-zm-request-timestamp": str(timestamp),
        "x-zm-signature": signed,
    }


class WebhookClient:
    """One aiohttp session (connection reuse per endpoint); `post` never raises."""

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float = TIMEOUT_SECONDS,
        read_limit: int = READ_LIMIT,
        connections: int = 128,
        per_host: int = 8,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.read_limit = read_limit
        self._connections, self._per_host = connections, per_host
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(allow_private=self.allow_private),
                limit=self._connections,
                limit_per_host=self._per_host,
                ttl_dns_cache=10,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                trust_env=False,
                skip_auto_headers=("Accept-Encoding",),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def check_address(self, url: str) -> None:
        """Refuse at once (WebhookUrlRefused) a URL whose host is an address, or resolves to
        addresses, that webhooks may not reach. A name that does not resolve passes here: the
        validation will say so."""
        refused = _literal_refusal(url, self.allow_private)
        if refused is None and not self.allow_private:
            parts = urlsplit(url)
            resolver = GuardedResolver(allow_private=False)
            try:
                await resolver.resolve(parts.hostname or "", parts.port or 0, socket.AF_UNSPEC)
            except AddressRefused as error:
                refused = error
            except OSError:
                refused = None
            finally:
                await resolver.close()
        if refused is not None:
            raise WebhookUrlRefused(reason=str(refused) + ".")

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        started = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        refused = _literal_refusal(url, self.allow_private)
        if refused is not None:
            return Answer(None, b"", 0, f"refused: {refused}", final=True)
        try:
            async with asyncio.timeout(self.timeout):
                async with self._open().post(
                    url, data=body, headers=headers, allow_redirects=False
                ) as response:
                    content = await self._read(response)
                    return Answer(response.status, content, elapsed())
        except TimeoutError:
            return Answer(None, b"", elapsed(), f"no answer within {self.timeout:g} seconds")
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, AddressRefused):
                return Answer(None, b"", elapsed(), f"refused: {error.os_error}", final=True)
            return Answer(None, b"", elapsed(), f"cannot connect: {error.os_error}")
        except (aiohttp.ClientError, OSError) as error:
            return Answer(None, b"", elapsed(), f"{type(error).__name__}: {error}"[:500])

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        """At most read_limit bytes of the answer (the rest is never read)."""
        chunks, size = [], 0
        while size < self.read_limit:
            chunk = await response.content.read(self.read_limit - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)

    async def validate(
        self,
        url: str,
        secret_token: str,
        *,
        plain_token: str,
        now: datetime,
        request_id: str,
        bad_signature: bool = False,
    ) -> str | None:
        """Zoom's challenge: None when the endpoint answered it right, else what went wrong."""
        body = url_validation_body(plain_token, now).encode()
        headers = request_headers(
            secret_token,
            body,
            timestamp=int(now.timestamp()),
            request_id=request_id,
            bad_signature=bad_signature,
        )
        return validation_error(await self.post(url, body, headers), secret_token, plain_token)


def validation_error(answer: Answer, secret_token: str, plain_token: str) -> str | None:
    """None when `answer` is a right answer to the challenge `plain_token`."""
    if answer.status is None or not 200 <= answer.status < 300:
        return answer.shown()
    try:
        data: Any = json.loads(answer.body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("plainToken") != plain_token:
        return f"{answer.shown()} (expected JSON with plainToken and encryptedToken)"
    if data.get("encryptedToken") != encrypted_token(secret_token, plain_token):
        return "encryptedToken is not the HMAC-SHA-256 of plainToken with the secret token"
    return None
