"""An outbox message → subject, plain text, HTML and calendar part, in the reader's language.

Templates are Jinja2 (with the i18n extension); translations are the gettext catalogs in
locales/ (Babel reads the .po files directly, nothing compiled is kept in the repository).
Times are shown in the webinar's time zone, formatted by Babel for the language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.support import NullTranslations
from jinja2 import Environment, PackageLoader, select_autoescape

from podium.db.models import OutboxMessage
from podium.mail import calendar
from podium.mail.languages import CONTENT_LANGUAGE, catalog, locale_for
from podium.services import outbox
from podium.services.tokens import link_token
from podium.timestamps import parse_timestamp

CANCELLING = (outbox.CANCELLED_KIND, outbox.WEBINAR_CANCELLED_KIND)


@dataclass(frozen=True)
class MailContext:
    """What rendering needs besides the message: where links point, the key that derives
    them, the sender."""

    public_url: str
    key: bytes
    sender: str

    @property
    def domain(self) -> str:
        return urlsplit(self.public_url).hostname or "podium.invalid"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str  # Content-Language
    ics: bytes | None
    method: str | None


def translations(locale: str) -> NullTranslations:
    return catalog("podium.mail", "messages", locale)


@cache
def environment(locale: str) -> Environment:
    """One environment per language, its catalog installed once (never swapped on a shared
    environment while another render may be using it)."""
    env = Environment(
        loader=PackageLoader("podium.mail", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    return env


def _links(kind: str, message_payload: dict[str, Any], context: MailContext) -> dict[str, str]:
    """The personal join link (not while approval is pending) and, for registrants, the
    cancel-my-registration link."""
    link = message_payload.get("link")
    webinar_id = message_payload["webinar"]["id"]
    if not link:
        return {}
    token = link_token(context.key, link["nonce"], link.get("digest"))
    base = f"{context.public_url}/w/{webinar_id}"
    links = {} if kind == outbox.PENDING_KIND else {"join_url": f"{base}?tk={token}"}
    if link["role"] == "registrant":
        links["cancel_url"] = f"{base}/cancel?tk={token}"
    return links


def _about(kind: str, payload: dict[str, Any], context: MailContext) -> dict[str, str]:
    """A message to the host: who waits for approval, and the dashboard page to decide."""
    if kind != outbox.APPROVAL_KIND:
        return {}
    about = payload.get("about") or {}
    webinar_id = payload["webinar"]["id"]
    return {
        "person": str(about.get("name", "")),
        "person_email": str(about.get("email", "")),
        "manage_url": (
            f"{context.public_url}/manage/webinars/{webinar_id}/registrants?status=pending"
        ),
    }


def render(message: OutboxMessage, context: MailContext, *, now: datetime) -> Rendered:
    payload = json.loads(message.payload)
    webinar = payload["webinar"]
    locale = locale_for(message.language)
    starts = [parse_timestamp(text, name="start") for text in webinar["starts"]]
    zone = ZoneInfo(webinar["timezone"])
    links = _links(message.kind, payload, context)
    values = {
        "kind": message.kind,
        "name": message.recipient_name or message.recipient,
        "topic": webinar["topic"],
        "agenda": webinar["agenda"],
        "timezone": webinar["timezone"],
        "minutes": webinar["duration"],
        "times": [format_datetime(s, "full", tzinfo=zone, locale=locale) for s in starts],
        **links,
        **_about(message.kind, payload, context),
    }
    env = environment(locale)
    subject = env.get_template("subject.txt").render(values).strip()
    text = env.get_template("message.txt").render(values)
    lead = env.get_template("_lead.txt").render(values).strip()  # escaped in the HTML
    html = env.get_template("message.html").render(values, lead=lead)
    ics = None
    method = None
    if starts and message.kind not in (outbox.PENDING_KIND, outbox.APPROVAL_KIND):
        method = calendar.CANCEL if message.kind in CANCELLING else calendar.REQUEST
        invite = calendar.Invitation(
            uid=calendar.event_uid(webinar["id"], context.domain),
            sequence=webinar["sequence"],
            method=method,
            topic=webinar["topic"],
            description=webinar["agenda"],
            starts=starts,
            minutes=webinar["duration"],
            timezone=webinar["timezone"],
            organizer=context.sender,
            attendee=message.recipient,
            url=links.get("join_url"),
        )
        ics = calendar.to_ical(invite, stamp=now)
    return Rendered(subject, text, html, CONTENT_LANGUAGE[locale], ics, method)
