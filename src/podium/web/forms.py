"""Request bodies → parameter pairs, within the size and field limits."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive, Scope

from podium.errors import BodyTooLarge, MalformedBody, UnsupportedContentType
from podium.numbers import ascii_int

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def parse_urlencoded(raw: bytes, *, max_fields: int) -> list[tuple[str, str]]:
    """Pairs from a query string or urlencoded body; blank values kept (they mean absent)."""
    if not raw:
        return []
    try:
        text = raw.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, max_num_fields=max_fields, errors="strict")
    except UnicodeDecodeError:
        raise MalformedBody(reason="It is not valid UTF-8.") from None
    except ValueError:
        raise MalformedBody(reason=f"It has more than {max_fields} fields.") from None


async def read_body(request: Request, *, limit: int) -> bytes:
    return await receive_body(request.scope, request.receive, limit=limit)


async def body_params(request: Request, *, limit: int, max_fields: int) -> list[tuple[str, str]]:
    body = await read_body(request, limit=limit)
    return await parse_body(request.scope, body, max_fields=max_fields, limit=limit)


def header(scope: Scope, name: bytes) -> str | None:
    """One request header (`name` in lower case) straight from the ASGI scope."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def receive_body(scope: Scope, receive: Receive, *, limit: int) -> bytes:
    """The whole body straight from ASGI messages (the v1 hot path has no Request), refused
    with 413 as soon as it is known to exceed `limit` (by Content-Length, or as it arrives)."""
    length = header(scope, b"content-length")
    declared = None if length is None else ascii_int(length)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit=limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit=limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def parse_body(
    scope: Scope, body: bytes, *, max_fields: int, limit: int
) -> list[tuple[str, str]]:
    """Pairs from a body already read: urlencoded (or no type), or multipart form data."""
    content_type = (header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
    if content_type == MULTIPART:
        request = Request(scope)
        request._body = body  # the form parser streams the body already read
        try:
            async with request.form(
                max_fields=max_fields, max_files=max_fields, max_part_size=limit
            ) as form:  # closing it frees any uploaded file parts (ignored)
                return [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
        except MultiPartException as error:
            raise MalformedBody(reason=error.message) from None
        except HTTPException as error:  # Starlette's wrapping of the same MultiPartException
            raise MalformedBody(reason=error.detail) from None
    if content_type in (URLENCODED, "") or not body.strip():
        return parse_urlencoded(body, max_fields=max_fields)
    raise UnsupportedContentType(content_type=content_type[:100])
