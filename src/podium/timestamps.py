"""v1 timestamps: lenient in (`2017-1-9T3:00:00Z`, zone optional, fractions), strict out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from podium.errors import InvalidParameter

_PATTERN = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d+)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(text: str, *, name: str) -> datetime:
    """An aware UTC datetime, whole seconds; a time without zone is UTC."""
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise InvalidParameter(name=name, reason="Use UTC time such as 2012-11-25T12:00:00Z.")
    year, month, day, hour, minute, second = (int(group or 0) for group in match.groups()[:6])
    zone = match.group(7)
    offset = timedelta(0)
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if zone[0] == "-" else offset
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidParameter(name=name, reason="It is not a real date and time.") from None


def format_timestamp(moment: datetime | None) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` in UTC, or "" when there is no time."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
