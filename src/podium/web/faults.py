"""Fault and latency injection (sandbox): rules that make chosen v1 calls, or webhook
deliveries, misbehave.

A v1 rule names an action ("*" for all) and what to do: answer a v1 error (code and message),
answer an HTTP status, wait `delay_ms` first, or drop the connection. A webhook rule names an
event (`"webhook": "webinar.registration_created"`, "*" for every event notification,
"endpoint.url_validation" for the challenge) and what happens to a delivery attempt:
`delay_ms` (sent that much later, holding its endpoint's lane), `duplicate` (N extra copies),
`drop` (lost in transit: retried like a timeout), `reorder_ms` (held aside that long while
later ones overtake it), `bad_signature`, `fail_status` (failed as if the endpoint had
answered that status). A rule fires with a probability, and at most `count` times when a count
is given; the first rule that fires wins.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from podium.errors import InjectedError, InvalidParameter
from podium.numbers import ascii_int
from podium.services.webhook_payloads import EVENTS, URL_VALIDATION
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


WEBHOOK_TARGETS = ("*", URL_VALIDATION, *EVENTS)


@dataclass
class WebhookFaultRule:
    id: int
    webhook: str
    delay_ms: int = 0
    duplicate: int = 0
    drop: bool = False
    reorder_ms: int = 0
    bad_signature: bool = False
    fail_status: int | None = None
    probability: float = 1.0
    count: int | None = None
    fired: int = field(default=0)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def matches(self, target: str) -> bool:
        return self.webhook == target or (self.webhook == "*" and target != URL_VALIDATION)


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise InvalidParameter(name=name, reason="true or false.")
    return value


def parse_webhook_rule(data: dict[str, Any], rule_id: int) -> WebhookFaultRule:
    target = data["webhook"]
    if not isinstance(target, str) or target not in WEBHOOK_TARGETS:
        raise InvalidParameter(
            name="webhook", reason='An event such as "webinar.registration_created", or "*".'
        )
    unknown = sorted(set(data) - {f.name for f in fields(WebhookFaultRule)} - {"id", "fired"})
    if unknown:
        raise InvalidParameter(name=unknown[0], reason="Not a webhook fault setting.")
    rule = WebhookFaultRule(
        id=rule_id,
        webhook=target,
        delay_ms=_int(data, "delay_ms", 0, MAX_DELAY_MS) or 0,
        duplicate=_int(data, "duplicate", 0, 10) or 0,
        drop=_flag(data, "drop"),
        reorder_ms=_int(data, "reorder_ms", 0, MAX_DELAY_MS) or 0,
        bad_signature=_flag(data, "bad_signature"),
        fail_status=_int(data, "fail_status", 300, 599),
        probability=_probability(data),
        count=_int(data, "count", 1, 1_000_000),
    )
    effects = (rule.delay_ms, rule.duplicate, rule.drop, rule.reorder_ms, rule.bad_signature)
    if not any(effects) and rule.fail_status is None:
        raise InvalidParameter(
            name="fault",
            reason="Give delay_ms, duplicate, drop, reorder_ms, bad_signature or fail_status.",
        )
    return rule


def _probability(data: dict[str, Any]) -> float:
    probability = data.get("probability", 1.0)
    if (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not 0 <= probability <= 1
    ):
        raise InvalidParameter(name="probability", reason="A number from 0 to 1.")
    return float(probability)


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


def parse_rule(
    data: object, rule_id: int, known_actions: frozenset[str]
) -> FaultRule | WebhookFaultRule:
    """A rule from its JSON form; every field is checked."""
    if not isinstance(data, dict):
        raise InvalidParameter(name="fault", reason="It must be a JSON object.")
    if "webhook" in data:
        return parse_webhook_rule(data, rule_id)
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
    drop = _flag(data, "drop")
    probability = _probability(data)
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
        self._rules: list[FaultRule | WebhookFaultRule] = []
        self._next_id = 1
        self._random = random.Random(seed)  # noqa: S311 - test faults, not cryptography
        self._lock = threading.Lock()

    def add(self, data: object, known_actions: frozenset[str]) -> FaultRule | WebhookFaultRule:
        with self._lock:
            rule = parse_rule(data, self._next_id, known_actions)
            self._next_id += 1
            self._rules.append(rule)
            return rule

    def rules(self) -> list[FaultRule | WebhookFaultRule]:
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
        """The v1 rule that fires for this call, if any (its count goes down)."""
        if not self._rules:  # the common case costs one check
            return None
        found = self._fire(
            lambda rule: isinstance(rule, FaultRule) and rule.action in ("*", action)
        )
        return found if isinstance(found, FaultRule) else None

    def pick_webhook(self, target: str) -> WebhookFaultRule | None:
        """The webhook rule that fires for an attempt at `target` (an event name, or
        endpoint.url_validation), if any."""
        if not self._rules:
            return None
        found = self._fire(lambda rule: isinstance(rule, WebhookFaultRule) and rule.matches(target))
        return found if isinstance(found, WebhookFaultRule) else None

    def _fire(
        self, applies: Callable[[FaultRule | WebhookFaultRule], bool]
    ) -> FaultRule | WebhookFaultRule | None:
        with self._lock:
            for rule in self._rules:
                if not applies(rule):
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
