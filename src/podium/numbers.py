"""Whole numbers from untrusted text: ASCII digits only.

`str.isdigit()` also accepts characters such as "²" that `int()` then refuses; every place
that turns a parameter, path segment or header into a number goes through here.
"""

from __future__ import annotations


def ascii_int(text: str, *, max_digits: int = 18) -> int | None:
    """The number written in `text` (ASCII digits only, no sign), or None."""
    if not text or len(text) > max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)
