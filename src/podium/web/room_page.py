"""A room's page, rendered once per webinar and not once per attendee: when thousands open
their personal links as a webinar starts, every page is the same but for the pass and the
name. The page is rendered with a marker in the place of each, split there, and each visitor
gets the pieces with their own values in, escaped as the template would have escaped them
(markupsafe, as Jinja's autoescape and its `_()` with variables do)."""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

from markupsafe import escape

PAGES = 256  # pages kept (the least recently used goes)


class FilledPages:
    """Texts made by `render(marks)` — a mapping of each fill's name to a marker to put
    where that value goes — kept per key, and given back with the values put in. A text in
    which a marker does not appear exactly once is not kept: it is rendered with the values
    themselves every time."""

    def __init__(self, names: tuple[str, ...], size: int = PAGES) -> None:
        token = secrets.token_hex(8)
        self.marks = {name: f"podium{name}{token}mark" for name in names}
        self._names = {mark: name for name, mark in self.marks.items()}
        self._split = re.compile("|".join(re.escape(mark) for mark in self.marks.values()))
        self._kept: OrderedDict[Hashable, list[str]] = OrderedDict()
        self._size = size

    def text(
        self, key: Hashable, render: Callable[[Mapping[str, str]], str], values: Mapping[str, str]
    ) -> str:
        pieces = self._kept.get(key)
        if pieces is None:
            pieces = self._pieces(render(self.marks))
            if pieces is None:
                return render(values)
            self._kept[key] = pieces
            if len(self._kept) > self._size:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        filled = [
            str(escape(values[self._names[piece]])) if index % 2 else piece
            for index, piece in enumerate(pieces)
        ]
        return "".join(filled)

    def _pieces(self, text: str) -> list[str] | None:
        """Text and marks alternating (marks at odd places), or None."""
        found = self._split.findall(text)
        if sorted(found) != sorted(self.marks.values()):
            return None
        pieces: list[str] = []
        for part, mark in zip(self._split.split(text), [*found, None], strict=True):
            pieces.append(part)
            if mark is not None:
                pieces.append(mark)
        return pieces
