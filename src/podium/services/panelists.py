"""Panelists of a webinar: replaced as a set (v1) or added and removed (v2), unique by
e-mail, each with a public id and a personal link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from podium.db.models import Panelist, Webinar
from podium.errors import InvalidParameter, PanelistNotFound
from podium.events import PanelistAdded
from podium.services.events import panelist_facts, record, webinar_facts
from podium.services.tokens import Issuer, public_id

MAX_PANELISTS = 100  # of one webinar


@dataclass(frozen=True)
class PanelistEntry:
    name: str
    email: str


def _current(session: Session, webinar: Webinar) -> dict[str, Panelist]:
    return {
        panelist.email_key: panelist
        for panelist in session.execute(
            select(Panelist).where(Panelist.webinar_seq == webinar.seq)
        ).scalars()
    }


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
    current = _current(session, webinar)
    gone = [panelist.id for key, panelist in current.items() if key not in wanted]
    if gone:
        session.execute(delete(Panelist).where(Panelist.id.in_(gone)))
    _upsert(session, webinar, wanted, current, issuer=issuer, now=now)


def add_panelists(
    session: Session,
    webinar: Webinar,
    entries: tuple[PanelistEntry, ...],
    *,
    issuer: Issuer,
    now: datetime,
) -> None:
    """`entries` join the webinar's panelists (a known e-mail keeps its link, takes the new
    name); at most MAX_PANELISTS in all."""
    wanted = {entry.email.lower(): entry for entry in entries}
    current = _current(session, webinar)
    if len(current.keys() | wanted.keys()) > MAX_PANELISTS:
        raise InvalidParameter(
            name="panelists", reason=f"A webinar has at most {MAX_PANELISTS} panelists."
        )
    _upsert(session, webinar, wanted, current, issuer=issuer, now=now)


def remove_panelist(session: Session, webinar: Webinar, panelist: str) -> None:
    """Remove one panelist, named by public id or e-mail (PanelistNotFound otherwise)."""
    found = session.execute(
        select(Panelist.id).where(
            Panelist.webinar_seq == webinar.seq,
            (Panelist.panelist_id == panelist) | (Panelist.email_key == panelist.lower()),
        )
    ).first()
    if found is None:
        raise PanelistNotFound(panelist_id=panelist[:64])
    session.execute(delete(Panelist).where(Panelist.id == found.id))


def remove_all_panelists(session: Session, webinar: Webinar) -> None:
    session.execute(delete(Panelist).where(Panelist.webinar_seq == webinar.seq))


def _upsert(
    session: Session,
    webinar: Webinar,
    wanted: dict[str, PanelistEntry],
    current: dict[str, Panelist],
    *,
    issuer: Issuer,
    now: datetime,
) -> None:
    """New e-mails become panelists (with an event each); known ones take the new name."""
    added: list[Panelist] = []
    for key, entry in wanted.items():
        panelist = current.get(key)
        if panelist is not None:
            panelist.name, panelist.email = entry.name, entry.email
            continue
        nonce, digest = issuer.new_link()
        panelist = Panelist(
            panelist_id=public_id(nonce),
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
