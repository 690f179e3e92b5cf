"""Personal join links (`/w/<id>?tk=…`): whom a token admits, and why it may not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from podium.codes import RegistrantStatus, Role
from podium.db.models import Panelist, Registrant, Webinar
from podium.errors import LinkRefused
from podium.services.tokens import token_digest


@dataclass(frozen=True)
class Admission:
    webinar_id: int
    topic: str
    name: str
    email: str
    role: Role  # attendee or panelist
    registrant_pk: int | None = None
    panelist_pk: int | None = None
    registrant_id: str | None = None
    language: str = ""  # the language their pages speak (v1 code; "": their browser's)


# Built once: a personal link is opened by every attendee as a webinar starts.
_REGISTRANT_BY_DIGEST = (
    select(Registrant, Webinar)
    .join(Webinar, Webinar.seq == Registrant.webinar_seq)
    .where(Registrant.token_digest == bindparam("digest"))
)
_PANELIST_BY_DIGEST = (
    select(Panelist, Webinar)
    .join(Webinar, Webinar.seq == Panelist.webinar_seq)
    .where(Panelist.token_digest == bindparam("digest"))
)


def admit(session: Session, webinar_id: str, token: str) -> tuple[Admission, Webinar]:
    """Who a personal link belongs to, if it may open the webinar now, and that webinar
    (live: not deleted)."""
    if not webinar_id.isdigit() or not token:
        raise LinkRefused("This link is not valid.")
    digest = {"digest": token_digest(token)}
    registrant = session.execute(_REGISTRANT_BY_DIGEST, digest).first()
    if registrant is not None:
        person, webinar = registrant
        _check_webinar(webinar, webinar_id)
        if person.status == RegistrantStatus.CANCELLED:
            raise LinkRefused("This registration was cancelled.")
        if person.status == RegistrantStatus.DENIED:
            raise LinkRefused("This registration was declined by the host.")
        if person.status != RegistrantStatus.APPROVED:
            raise LinkRefused("This registration is waiting for the host's approval.")
        name = f"{person.first_name} {person.last_name}"
        return Admission(
            webinar.id,
            webinar.topic,
            name,
            person.email,
            Role.ATTENDEE,
            registrant_pk=person.id,
            registrant_id=person.registrant_id,
            language=person.language,
        ), webinar
    panelist = session.execute(_PANELIST_BY_DIGEST, digest).first()
    if panelist is None:
        raise LinkRefused("This link is not valid.")
    person_p, webinar = panelist
    _check_webinar(webinar, webinar_id)
    return Admission(
        webinar.id,
        webinar.topic,
        person_p.name,
        person_p.email,
        Role.PANELIST,
        panelist_pk=person_p.id,
        language=webinar.language,
    ), webinar


def _check_webinar(webinar: Webinar, webinar_id: str) -> None:
    if str(webinar.id) != webinar_id or webinar.deleted_at is not None:
        raise LinkRefused("This link is not valid.")


def registrant_by_link(session: Session, webinar_id: str, token: str) -> tuple[Webinar, Registrant]:
    """The registrant a personal link belongs to (any status), for cancelling."""
    if not webinar_id.isdigit() or not token:
        raise LinkRefused("This link is not valid.")
    found = session.execute(
        select(Registrant, Webinar)
        .join(Webinar, Webinar.seq == Registrant.webinar_seq)
        .where(Registrant.token_digest == token_digest(token))
    ).first()
    if found is None:
        raise LinkRefused("This link is not valid.")
    registrant, webinar = found
    _check_webinar(webinar, webinar_id)
    return webinar, registrant
