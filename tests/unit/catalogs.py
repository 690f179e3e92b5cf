"""What the web catalog tests share: the texts a part of web/ marks (extracted like
`pybabel extract` does), the ones its .pot lists, and the ones each language translates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "src" / "podium" / "web"
LANGUAGES = ("fr", "es", "zh_CN")
Methods = list[tuple[str, str]]
Options = dict[str, dict[str, str]]


def _text(message: str | Sequence[str]) -> str:
    return message if isinstance(message, str) else message[0]


def marked(methods: Methods, options: Options) -> set[str]:
    """The texts marked in web/'s files that `methods` reads."""
    found = extract_from_dir(str(WEB), methods, options_map=options)
    return {_text(message) for _file, _line, message, _comments, _context in found}


def listed(domain: str) -> set[str]:
    """The texts of web/locales/<domain>.pot."""
    with (WEB / "locales" / f"{domain}.pot").open("rb") as pot:
        return {_text(m.id) for m in read_po(pot) if m.id}


def _translated(message: Message) -> bool:
    string = message.string
    return bool(all(string) if isinstance(string, tuple) else string) and not message.fuzzy


def translated(domain: str, language: str) -> set[str]:
    """The texts web/locales/<language>/LC_MESSAGES/<domain>.po translates (not fuzzy)."""
    with (WEB / "locales" / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return {_text(m.id) for m in read_po(po) if m.id and _translated(m)}
