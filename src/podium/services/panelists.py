"""Panelists of a webinar: replaced as a set, unique by e-mail, each with a personal link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from podium.db.models import Panelist, Webinar
from podium.events import PanelistAdded
from podium.services.events import panelist_facts, record, webinar_facts
from podium.services.tokens import Issuer


@dataclass(frozen=True)
class PanelistEntry:
    name: str
    email: str


def replace_panelists(
    session: Session,
    webinar: Webinar,
    entries: tuple[PanelistEntry, ...],
    *,
    issuer: Issuer,
    now: datetime,
) -> None:
    """The webinar's panelists become exactly `entries`; those kept keep their links."""
    wanted = {entry.email.lower(): entry for entry in entries}
    current = {
        panelist.email_key: panelist
        for panelist in session.execute(
            select(Panelist).where(Panelist.webinar_seq == webinar.seq)
        ).scalars()
    }
    gone = [panelist.id for key, panelist in current.items() if key not in wanted]
    if gone:
        session.execute(delete(Panelist).where(Panelist.id.in_(gone)))
    added: list[Panelist] = []
    for key, entry in wanted.items():
        panelist = current.get(key)
        if panelist is not None:
            panelist.name, panelist.email = entry.name, entry.email
            continue
        nonce, digest = issuer.new_link()
        panelist = Panelist(
            webinar_seq=webinar.seq,
            name=entry.name,
            email=entry.email,
            email_key=key,
            token_nonce=nonce,
            token_digest=digest,
            created_at=now,
        )
        session.add(panelist)
        added.append(panelist)
    session.flush()
    if added:
        facts = webinar_facts(webinar)
        for panelist in added:
            record(session, PanelistAdded(webinar=facts, panelist=panelist_facts(panelist), at=now))


def list_panelists(session: Session, webinar: Webinar) -> list[Panelist]:
    return list(
        session.execute(
            select(Panelist).where(Panelist.webinar_seq == webinar.seq).order_by(Panelist.id)
        ).scalars()
    )
