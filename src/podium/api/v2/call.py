"""What a v2 handler gets: the session, the caller's account, the path and the validated
query and body (and what a plain read gets: the same without session and body)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from podium.api.call import Answering, ApiContext, Json, WithContext

# A handler's answer: a JSON body, or None for an answer without one (204).
Answer = Json | None


@dataclass
class V2Read(WithContext):
    """What a plain read (an operation's `read`, before any session) gets."""

    context: ApiContext
    account_id: int
    now: datetime
    path: Mapping[str, str]
    query: Any  # the operation's query model, validated (None when it has none)

    @property
    def answering(self) -> Answering:
        """What v1's shapes take (context and time), for the links both dialects share."""
        return Answering(self.context, self.now)

    @property
    def key(self) -> bytes:
        """The instance key (page tokens are signed with it)."""
        return self.context.issuer.key


@dataclass
class V2Call(V2Read):
    """What a handler gets: the read's values, the session and the body."""

    session: Session
    body: Any  # the operation's body model, validated (None when it has none)


Handler = Callable[[V2Call], Answer]
# The common case of a reading operation, on a plain connection; None: let the handler run.
Read = Callable[[V2Read, Connection], Answer]
