"""An independent check of Zoom's webhook signature, written from Zoom's documentation and
@zoom/rivet's receiver (../shared/docs/webhooks-contract.md §2), sharing no code with Podium's
sender or its test sink: JSON.parse, then JSON.stringify, then HMAC-SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def stringify(value: Any) -> str:
    """JavaScript's JSON.stringify of what JSON.parse gave (the cases webhooks carry)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        escapes = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
        escapes["\t"] = "\\t"
        out = []
        for char in value:
            if char in escapes:
                out.append(escapes[char])
            elif ord(char) < 0x20:
                out.append(f"\\u{ord(char):04x}")
            else:
                out.append(char)
        return '"' + "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ",".join(stringify(item) for item in value) + "]"
    return "{" + ",".join(f"{stringify(k)}:{stringify(v)}" for k, v in value.items()) + "}"


def zoom_signature_ok(raw: bytes, headers: dict[str, str], secret_token: str) -> bool:
    """What Zoom tells receivers to check: x-zm-signature over the re-serialised body."""
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered["x-zm-request-timestamp"]
    message = f"v0:{timestamp}:{stringify(json.loads(raw))}"
    expected = hmac.new(secret_token.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(lowered["x-zm-signature"], f"v0={expected}")
