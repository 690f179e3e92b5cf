"""Text from untrusted input: which characters a stored, single-line value may hold."""

from __future__ import annotations

import re

# C0 controls and DEL (NUL among them: PostgreSQL cannot store it, and no name needs one).
CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
# The same, but tab, newline and carriage return are allowed (multi-line text).
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(value: str, *, multiline: bool = False) -> bool:
    pattern = CONTROL_MULTILINE if multiline else CONTROL_SINGLE_LINE
    return pattern.search(value) is not None
