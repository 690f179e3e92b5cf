"""An independent check of Zoom's webhook signature, written from Zoom's documentation and
@zoom/rivet's receiver (../shared/docs/webhooks-contract.md §2), sharing no code with Podium's
sender or its test sink: JSON.parse, then JSON.stringify, then HMAC-SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
LITERALS = {None: "null", True: "true", False: "false"}


def quote(text: str) -> str:
    """A JSON string as JavaScript writes it: only quote, backslash and controls escaped."""
    return (
        '"'
        + "".join(
            ESCAPES.get(char, f"\\u{ord(char):04x}" if ord(char) < 0x20 else char) for char in text
        )
        + '"'
    )


def stringify(value: Any) -> str:
    """JavaScript's JSON.stringify of what JSON.parse gave (the cases webhooks carry)."""
    if isinstance(value, bool) or value is None:
        return LITERALS[value]
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ",".join(stringify(item) for item in value) + "]"
    return "{" + ",".join(f"{quote(k)}:{stringify(v)}" for k, v in value.items()) + "}"


def zoom_signature_ok(raw: bytes, headers: dict[str, str], secret_token: str) -> bool:
    """What Zoom tells receivers to check: x-zm-signature over the re-serialised body."""
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered["x-zm-request-timestamp"]
    message = f"v0:{timestamp}:{stringify(json.loads(raw))}"
    expected = hmac.new(secret_token.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(lowered["x-zm-signature"], f"v0={expected}")
