"""v2 pagination: `page_size`, `page_number` where Zoom still takes it, and the opaque
`next_page_token`: the offset of the next page, signed with the instance key for one
listing (account, webinar, filter) and valid 15 minutes on the server clock."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from podium.api.call import Json
from podium.api.v2.call import V2Read
from podium.errors import PageTokenInvalid
from podium.numbers import ascii_int
from podium.services.webinars import Page

TOKEN_LIFETIME = timedelta(minutes=15)
_MAC_BYTES = 12


@dataclass(frozen=True)
class Window(Page):
    """A page that starts at any offset (a next_page_token's), not only at a multiple of
    its size."""

    start: int = 0

    @property
    def offset(self) -> int:
        return self.start


def _mac(key: bytes, listing: str, payload: str) -> str:
    digest = hmac.new(key, f"page:{listing}:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_MAC_BYTES]).rstrip(b"=").decode("ascii")


def make_token(key: bytes, listing: str, offset: int, now: datetime) -> str:
    payload = f"{offset}.{int(now.timestamp())}"
    return f"{payload}.{_mac(key, listing, payload)}"


def read_token(key: bytes, listing: str, token: str, now: datetime) -> int:
    """The offset a token of this listing stands for; PageTokenInvalid when it is not one
    of ours, is another listing's, or is older than 15 minutes."""
    offset_text, _, rest = token.partition(".")
    issued_text, _, mac = rest.partition(".")
    offset, issued = ascii_int(offset_text, max_digits=9), ascii_int(issued_text, max_digits=12)
    if offset is None or issued is None:
        raise PageTokenInvalid
    try:
        expected = _mac(key, listing, f"{offset_text}.{issued_text}")
    except (binascii.Error, ValueError):  # pragma: no cover - the payload is digits
        raise PageTokenInvalid from None
    age = now.timestamp() - issued
    if not hmac.compare_digest(mac, expected) or not 0 <= age <= TOKEN_LIFETIME.total_seconds():
        raise PageTokenInvalid
    return offset


def window(
    key: bytes,
    listing: str,
    *,
    size: int,
    number: int = 1,
    token: str | None,
    now: datetime,
) -> Window:
    """The page asked for: by next_page_token when there is one, else by number."""
    start = read_token(key, listing, token, now) if token else (number - 1) * size
    return Window(number=start // size + 1, size=size, start=start)


def page_asked(call: V2Read, listing: str) -> Window:
    """The page the call's query asks for: its page_size, and its next_page_token, else its
    page_number (where the query has one)."""
    query = call.query
    return window(
        call.key,
        listing,
        size=query.page_size,
        number=getattr(query, "page_number", 1),
        token=query.next_page_token,
        now=call.now,
    )


def paging(
    key: bytes, listing: str, page: Window, total: int, now: datetime, *, numbered: bool
) -> Json:
    """The paging keys of a listing's answer (page_number only where Zoom still has it)."""
    following = page.offset + page.size
    body: Json = {
        "page_count": math.ceil(total / page.size) if total else 0,
        "page_size": page.size,
        "total_records": total,
        "next_page_token": make_token(key, listing, following, now) if following < total else "",
    }
    if numbered:
        body["page_number"] = page.number
    return body
