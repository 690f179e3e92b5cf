"""Typed getters over a call's parameters: the only place raw strings become values.

Query string and form body are merged (the body wins), "" means "not supplied", unknown
parameters are ignored, and every bad value raises a 300 error naming the parameter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from podium.errors import InvalidParameter, MissingParameter
from podium.services.webinars import Page
from podium.text import CONTROL_MULTILINE, CONTROL_SINGLE_LINE
from podium.timestamps import parse_timestamp

TRUE_WORDS = frozenset({"true", "1"})
FALSE_WORDS = frozenset({"false", "0"})
MAX_PAGE_SIZE = 300


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


class Params:
    """The parameters of one v1 call."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    @classmethod
    def merge(cls, query: Iterable[tuple[str, str]], body: Iterable[tuple[str, str]]) -> Params:
        """Query string, then form body (the body wins on a clash). A list sent the way
        `qs` encodes arrays (`registrant_ids[]=a&registrant_ids[]=b`) becomes "a,b"."""
        values: dict[str, str] = {}
        for pairs in (query, body):
            lists: dict[str, list[str]] = {}
            for key, value in pairs:
                if key.endswith("[]"):
                    lists.setdefault(key[:-2], []).append(value)
                else:
                    values[key] = value
            values.update({key: ",".join(items) for key, items in lists.items()})
        return cls(values)

    def raw(self, name: str) -> str | None:
        """The value as sent, or None when absent or empty."""
        value = self._values.get(name)
        return value if value else None

    def optional(self, name: str, *, max_length: int = 300, multiline: bool = False) -> str | None:
        """Trimmed text; whitespace-only counts as absent."""
        value = self._values.get(name)
        if not value:
            return None
        value = value.strip()
        if not value:
            return None
        pattern = CONTROL_MULTILINE if multiline else CONTROL_SINGLE_LINE
        if pattern.search(value):
            raise InvalidParameter(name=name, reason="It contains control characters.")
        if len(value) > max_length:
            raise InvalidParameter(name=name, reason=f"It is longer than {max_length} characters.")
        return value

    def required(self, name: str, *, max_length: int = 300) -> str:
        value = self.optional(name, max_length=max_length)
        if value is None:
            raise MissingParameter(name=name)
        return value

    def optional_int(self, name: str, *, low: int, high: int) -> int | None:
        value = self.optional(name)
        if value is None:
            return None
        text = value[1:] if value[:1] in "+-" else value
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise InvalidParameter(name=name, reason="It must be a whole number.")
        number = int(value)
        if not low <= number <= high:
            raise InvalidParameter(name=name, reason=f"It must be from {low} to {high}.")
        return number

    def optional_choice(self, name: str, choices: Iterable[int]) -> int | None:
        allowed = tuple(choices)
        value = self.optional(name)
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or int(value) not in allowed:
            listed = ", ".join(str(choice) for choice in allowed)
            raise InvalidParameter(name=name, reason=f"It must be one of {listed}.")
        return int(value)

    def optional_word(self, name: str, choices: Iterable[str]) -> str | None:
        allowed = tuple(choices)
        value = self.optional(name)
        if value is None:
            return None
        if value not in allowed:
            raise InvalidParameter(name=name, reason=f"It must be one of {', '.join(allowed)}.")
        return value

    def optional_bool(self, name: str) -> bool | None:
        value = self.optional(name)
        if value is None:
            return None
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise InvalidParameter(name=name, reason="It must be true or false.")

    def optional_timestamp(self, name: str) -> datetime | None:
        value = self.optional(name)
        return None if value is None else parse_timestamp(value, name=name)

    def optional_timezone(self, name: str) -> str | None:
        value = self.optional(name, max_length=64)
        if value is not None and value not in known_timezones():
            raise InvalidParameter(name=name, reason="It must be an IANA time zone name.")
        return value

    def optional_json(self, name: str, *, max_length: int = 20_000) -> Any:
        value = self.optional(name, max_length=max_length, multiline=True)
        if value is None:
            return None
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidParameter(name=name, reason="It is not valid JSON.") from None

    def page(self) -> Page:
        """Paging per the contract: size 30 by default, capped at 300; number from 1."""
        size = self.optional_int("page_size", low=1, high=10**9)
        number = self.optional_int("page_number", low=1, high=10**9)
        return Page(number=number or 1, size=min(size or 30, MAX_PAGE_SIZE))


def page_count(total: int, page: Page) -> int:
    return math.ceil(total / page.size) if total else 0
