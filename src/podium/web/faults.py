"""Fault and latency injection (sandbox): rules that make chosen v1 calls misbehave.

A rule names an action ("*" for all) and what to do: answer a v1 error (code and message),
answer an HTTP status, wait `delay_ms` first, or drop the connection. It fires with a
probability, and at most `count` times when a count is given; the first rule that fires wins.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from podium.errors import InjectedError, InvalidParameter
from podium.numbers import ascii_int
from podium.text import has_control

MAX_DELAY_MS = 60_000


@dataclass
class FaultRule:
    id: int
    action: str
    error_code: int | None = None
    message: str | None = None
    http_status: int | None = None
    delay_ms: int = 0
    drop: bool = False
    probability: float = 1.0
    count: int | None = None  # None: every matching call
    fired: int = field(default=0)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def error(self) -> InjectedError | None:
        if self.error_code is None and self.http_status is None:
            return None
        code = self.error_code if self.error_code is not None else self.http_status or 0
        status = self.http_status if self.http_status is not None else 200
        message = self.message or f"Injected fault ({code})."
        return InjectedError(code=code, message=message, status=status, v2_status=self.http_status)


def _int(data: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str):
        number = ascii_int(value, max_digits=6)
    if number is None or not low <= number <= high:
        raise InvalidParameter(name=name, reason=f"A whole number from {low} to {high}.")
    return number


def parse_rule(data: object, rule_id: int, known_actions: frozenset[str]) -> FaultRule:
    """A rule from its JSON form; every field is checked."""
    if not isinstance(data, dict):
        raise InvalidParameter(name="fault", reason="It must be a JSON object.")
    action = data.get("action")
    if not isinstance(action, str) or (action != "*" and action not in known_actions):
        raise InvalidParameter(
            name="action", reason='A v1 action such as "webinar/register", or "*".'
        )
    message = data.get("message")
    if message is not None and (
        not isinstance(message, str) or len(message) > 500 or has_control(message)
    ):
        raise InvalidParameter(name="message", reason="Text of at most 500 characters.")
    drop = data.get("drop", False)
    if not isinstance(drop, bool):
        raise InvalidParameter(name="drop", reason="true or false.")
    probability = data.get("probability", 1.0)
    if (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not 0 <= probability <= 1
    ):
        raise InvalidParameter(name="probability", reason="A number from 0 to 1.")
    rule = FaultRule(
        id=rule_id,
        action=str(action),
        error_code=_int(data, "error_code", 1, 99999),
        message=message,
        http_status=_int(data, "http_status", 200, 599),
        delay_ms=_int(data, "delay_ms", 0, MAX_DELAY_MS) or 0,
        drop=drop,
        probability=float(probability),
        count=_int(data, "count", 1, 1_000_000),
    )
    if not (rule.drop or rule.delay_ms or rule.error() is not None):
        raise InvalidParameter(
            name="fault", reason="Give error_code, http_status, delay_ms or drop."
        )
    return rule


class Faults:
    """The rules of one process. `seed` makes probabilities repeatable."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self._random = random.Random(seed)  # noqa: S311 - test faults, not cryptography
        self._lock = threading.Lock()

    def add(self, data: object, known_actions: frozenset[str]) -> FaultRule:
        with self._lock:
            rule = parse_rule(data, self._next_id, known_actions)
            self._next_id += 1
            self._rules.append(rule)
            return rule

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            found = len(kept) != len(self._rules)
            self._rules = kept
            return found

    def clear(self, seed: int | None = None) -> None:
        with self._lock:
            self._rules.clear()
            if seed is not None:
                self._random.seed(seed)

    def pick(self, action: str) -> FaultRule | None:
        """The rule that fires for this call, if any (its count goes down)."""
        if not self._rules:  # the common case costs one check
            return None
        with self._lock:
            for rule in self._rules:
                if rule.action not in ("*", action):
                    continue
                if rule.probability < 1 and self._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count == 0:
                        self._rules.remove(rule)
                return rule
        return None
