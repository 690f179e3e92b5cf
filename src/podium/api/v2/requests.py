"""A v2 request's query and body, read into the operation's models: the only place raw v2
input becomes values. Refusals are Zoom's: 400 code 300 `Validation Failed.` naming each
field, or `Request Body should be a valid JSON object.`; 415 for a body that is not JSON."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from podium.errors import InvalidJson, UnsupportedContentType, ValidationFailed

JSON_TYPES = frozenset({"application/json", "text/json"})
# Errors of the JSON document itself, not of a field in it.
_DOCUMENT_ERRORS = frozenset({"json_invalid", "json_type", "model_type", "recursion_loop"})


@dataclass(frozen=True)
class Request:
    """A v2 request as its operation declared it: path values, the query and body models."""

    path: dict[str, str]
    query: Any
    body: Any


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _refusal(error: ValidationError, *, in_body: bool) -> Exception:
    problems = error.errors(include_url=False, include_context=False, include_input=False)
    if in_body and any(p["type"] in _DOCUMENT_ERRORS and not p["loc"] for p in problems):
        return InvalidJson()
    listed = [
        {"field": _location(p["loc"]), "message": p["msg"].removeprefix("Value error, ")}
        for p in problems
    ]
    return ValidationFailed(errors=listed)


def read_query(model: type[BaseModel] | None, pairs: Iterable[tuple[str, str]]) -> Any:
    """The query's model (lax: a query is text); the last of repeated names wins."""
    if model is None:
        return None
    try:
        return model.model_validate(dict(pairs))
    except ValidationError as error:
        raise _refusal(error, in_body=False) from None


def read_body(model: type[BaseModel] | None, raw: bytes, content_type: str) -> Any:
    """The body's model (strict JSON types). An operation without a body ignores whatever
    came (zoomus sends `Content-Type: application/json` with an empty DELETE). An empty
    body is `{}`, so what is required is named."""
    if model is None:
        return None
    if not raw.strip():
        raw = b"{}"
    elif content_type and content_type not in JSON_TYPES:
        raise UnsupportedContentType(content_type=content_type[:100])
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise _refusal(error, in_body=True) from None
