"""How the text of a PODIUM_* variable is read and checked, and `setting()`, the declaration
each field of `podium.settings.Settings` carries."""

from __future__ import annotations

import dataclasses
import importlib.util
import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MIN_SECRET_KEY = 16  # characters of each PODIUM_SECRET_KEY key


class SettingError(ValueError):
    """A PODIUM_* variable (or option) whose value cannot be used."""

    def __init__(self, variable: str, problem: str, expected: str) -> None:
        super().__init__(f"{variable}: {problem}; expected {expected}")
        self.variable = variable


Parse = Callable[[str], object]


def parse_whole(low: int, high: int) -> Parse:
    def parse(text: str) -> int:
        stripped = text.strip()
        if not stripped.lstrip("-").isdigit() or not stripped.isascii():
            raise ValueError(f"{text!r} is not a whole number")
        number = int(stripped)
        if not low <= number <= high:
            raise ValueError(f"{number} is out of range")
        return number

    return parse


def parse_choice(*choices: str, upper: bool = False) -> Parse:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise ValueError(f"{text!r} is not one of them")
        return value.upper() if upper else value

    return parse


def parse_flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not a yes or no")


def parse_url(*schemes: str) -> Parse:
    def parse(text: str) -> str:
        value = text.strip()
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        if scheme.split("+", 1)[0] not in schemes:
            raise ValueError(f"{mask_url(value)!r} does not start with {' or '.join(schemes)}")
        return value

    return parse


def parse_secret_keys(text: str) -> str:
    keys = [key.strip() for key in text.split(",")]
    for position, key in enumerate(keys, start=1):
        if len(key) < MIN_SECRET_KEY:
            raise ValueError(f"key {position} of {len(keys)} has {len(key)} characters")
    return ",".join(keys)


def parse_redis(text: str) -> str:
    value = parse_url("redis", "rediss", "unix")(text)
    if importlib.util.find_spec("redis") is None:
        raise ValueError("the redis package is not installed (pip install 'podium-webinar[redis]')")
    return str(value)


def parse_networks(text: str) -> str:
    items = [item.strip() for item in text.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{item!r} is not an address or network") from None
    return ",".join(items)


def parse_text(text: str) -> str:
    return text.strip()


def setting(
    default: Any,
    expected: str,
    doc: str,
    *,
    parse: Parse = parse_text,
    secret: bool = False,
    variable: str | None = None,
) -> Any:
    """A field of Settings and its PODIUM_* variable (PODIUM_ + the field's name, upper case)."""
    metadata = {"expected": expected, "doc": doc, "parse": parse, "secret": secret}
    if variable is not None:
        metadata["variable"] = variable
    return dataclasses.field(default=default, metadata=metadata)


def mask_url(url: str) -> str:
    """`url` with its password replaced by ***."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
