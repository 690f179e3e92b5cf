"""Batch registration (v2): a host registers several people at once, optionally approving
them where the webinar wants approval. Each goes through `registration.register`, so every
rule of registering applies to each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from podium.codes import WebinarType
from podium.db.models import Webinar
from podium.errors import BatchNotAllowed
from podium.services.registration import Attendee, Registration, register
from podium.services.tokens import Issuer


def register_batch(
    session: Session,
    webinar: Webinar,
    people: Sequence[Attendee],
    *,
    auto_approve: bool,
    issuer: Issuer,
    now: datetime,
) -> list[Registration]:
    """Register each person in turn (a known e-mail gives back its registrant); only
    webinars of type 5 take batches."""
    if webinar.type != WebinarType.SCHEDULED:
        raise BatchNotAllowed(webinar_id=webinar.id)
    return [
        register(
            session,
            webinar,
            person,
            occurrence_ids=(),
            issuer=issuer,
            now=now,
            auto_approve=auto_approve,
        )
        for person in people
    ]
