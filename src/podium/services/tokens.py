"""Secrets that travel: API secret hashes, personal-link tokens and host `zak` tokens.

API secrets are 256 random bits, so a keyed HMAC-SHA-256 is the right hash (a slow password
hash would cost every request). Personal links are derived from a stored random nonce under
the instance key, and found again by the SHA-256 digest of the token: the database alone
holds no usable link. A `zak` is signed, not stored: nonce, expiry and a MAC over the host.

Key rotation: the key handed around may be a `Keyring` (several PODIUM_SECRET_KEY keys,
newest first). It is the newest key's bytes, so everything that signs uses the newest key
unchanged; what verifies (API secrets, zak, passes) also tries the older ones, and a personal
link is derived again with the key whose digest was stored for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from podium.ids import Ids

ZAK_MAC_BYTES = 16
_ZAK_LAYOUT = struct.Struct(">16sQ")


class Keyring(bytes):
    """The newest key (these bytes: what signs), carrying the older keys that still verify."""

    older: tuple[bytes, ...]

    def __new__(cls, keys: Sequence[bytes]) -> Keyring:
        ring = super().__new__(cls, keys[0])
        ring.older = tuple(bytes(key) for key in keys[1:])
        return ring


def verifying_keys(key: bytes) -> tuple[bytes, ...]:
    """Every key that verifies: `key`, then the older keys of a Keyring."""
    older: tuple[bytes, ...] = getattr(key, "older", ())
    return (key, *older) if older else (key,)


def _urlsafe(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def hash_api_secret(key: bytes, api_secret: str) -> bytes:
    return hmac.new(key, b"api-secret:" + api_secret.encode("utf-8"), hashlib.sha256).digest()


def secret_matches(key: bytes, api_secret: str, stored_hash: bytes) -> bool:
    """Constant-time comparison of a presented secret with a stored hash (under any key of
    a Keyring: the newest first, so one hash in the usual case)."""
    if hmac.compare_digest(hash_api_secret(key, api_secret), stored_hash):
        return True
    older: tuple[bytes, ...] = getattr(key, "older", ())
    return any(hmac.compare_digest(hash_api_secret(k, api_secret), stored_hash) for k in older)


def personal_token(key: bytes, nonce: str) -> str:
    """The `tk` of a personal join link: 256 bits derived from a 128-bit random nonce."""
    return _urlsafe(hmac.new(key, b"personal-link:" + nonce.encode(), hashlib.sha256).digest())


def public_id(nonce: str) -> str:
    """A public id derived from a stored random nonce (a panelist's v2 `id`): 128 bits of
    its SHA-256, which says nothing of the nonce (nor, so, of the link made from it)."""
    return _urlsafe(hashlib.sha256(b"public-id:" + nonce.encode()).digest()[:16])


def token_digest(token: str) -> str:
    """How a presented token is looked up: only this digest is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_token(key: bytes, nonce: str, digest: str | None = None) -> str:
    """A personal link's token: derived with the key whose token has the stored `digest`
    (so a link made before a key rotation stays the same), else with the newest key."""
    newest = personal_token(key, nonce)
    if digest is None or token_digest(newest) == digest:
        return newest
    for older in verifying_keys(key)[1:]:
        token = personal_token(older, nonce)
        if token_digest(token) == digest:
            return token
    return newest


def _zak_mac(key: bytes, host_id: str, body: bytes) -> bytes:
    message = b"zak:" + host_id.encode("utf-8") + b":" + body
    return hmac.new(key, message, hashlib.sha256).digest()[:ZAK_MAC_BYTES]


def mint_zak(key: bytes, host_id: str, nonce: bytes, expires_at: datetime) -> str:
    """A host start token valid until `expires_at`."""
    body = _ZAK_LAYOUT.pack(nonce, int(expires_at.timestamp()))
    return _urlsafe(body + _zak_mac(key, host_id, body))


def zak_expiry(key: bytes, host_id: str, zak: str) -> datetime | None:
    """When a zak expires, or None when it was not issued by this instance for this host."""
    try:
        raw = base64.urlsafe_b64decode(zak + "=" * (-len(zak) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _ZAK_LAYOUT.size + ZAK_MAC_BYTES:
        return None
    body, mac = raw[: _ZAK_LAYOUT.size], raw[_ZAK_LAYOUT.size :]
    if not any(hmac.compare_digest(mac, _zak_mac(k, host_id, body)) for k in verifying_keys(key)):
        return None
    _nonce, expires = _ZAK_LAYOUT.unpack(body)
    return datetime.fromtimestamp(expires, UTC)


@dataclass(frozen=True)
class Issuer:
    """What mints identifiers and link tokens: the random source and the instance key."""

    ids: Ids
    key: bytes

    def new_link(self) -> tuple[str, str]:
        """(nonce to store, digest to store) for a new personal link."""
        nonce = self.ids.token()
        return nonce, token_digest(personal_token(self.key, nonce))

    def link_token(self, nonce: str, digest: str | None = None) -> str:
        """The token of a personal link; `digest` (stored with the nonce) picks the key."""
        return link_token(self.key, nonce, digest)

    def zak(self, host_id: str, expires_at: datetime) -> str:
        return mint_zak(self.key, host_id, self.ids.secret_key()[:16], expires_at)


def sign_pass(key: bytes, payload: dict[str, object]) -> str:
    """A participant's pass in the live pages: the payload, readable, with a MAC."""
    body = _urlsafe(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    mac = _urlsafe(hmac.new(key, b"pass:" + body.encode(), hashlib.sha256).digest()[:16])
    return f"{body}.{mac}"


def read_pass(key: bytes, token: str) -> dict[str, object] | None:
    """The payload of a pass this instance signed, or None."""
    body, _, mac = token.partition(".")
    if not body or not any(
        hmac.compare_digest(
            mac, _urlsafe(hmac.new(k, b"pass:" + body.encode(), hashlib.sha256).digest()[:16])
        )
        for k in verifying_keys(key)
    ):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):  # pragma: no cover - the MAC already vouched for it
        return None
    return data if isinstance(data, dict) else None
