"""The registration page meets an e-mail that is already registered: it shows no link (the
visitor may not be that person); the registrant gets theirs by e-mail instead, at most once
per `EVERY` (the page answers the same either way, so it tells nothing and floods nobody)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from podium.codes import RegistrantStatus
from podium.db.models import Registrant, Webinar
from podium.events import RegistrantLinkRequested
from podium.services.events import record, registrant_facts, webinar_facts

EVERY = timedelta(minutes=10)
SENT_AGAIN = (RegistrantStatus.APPROVED, RegistrantStatus.PENDING)


def send_link_again(
    session: Session, webinar: Webinar, registrant: Registrant, *, now: datetime
) -> bool:
    """E-mail the registrant their link (pending: that they still wait for the host), unless
    one went in the last `EVERY`; nothing for a denied or cancelled registration. True when
    a message was written."""
    if registrant.status not in SENT_AGAIN:
        return False
    claimed = session.execute(  # one guarded UPDATE: two requests at once send one message
        update(Registrant)
        .where(
            Registrant.id == registrant.id,
            or_(Registrant.link_sent_at.is_(None), Registrant.link_sent_at <= now - EVERY),
        )
        .values(link_sent_at=now),
        execution_options={"synchronize_session": False},
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return False
    record(
        session,
        RegistrantLinkRequested(
            webinar=webinar_facts(webinar), registrant=registrant_facts(registrant), at=now
        ),
    )
    return True
