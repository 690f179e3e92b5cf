"""Rendered message → a MIME message for exactly one recipient, headers that cannot be bent.

Display names lose every control and format character (CR, LF, NUL, …) and are encoded by
the email package; the address must pass email-validator; the envelope recipient is given to
SMTP explicitly, never read from headers.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from email_validator import EmailNotValidError, validate_email

from podium.mail.render import Rendered


class BadRecipient(ValueError):
    """The address cannot receive mail from Podium (it would never work: not retried)."""


def clean_text(value: str, limit: int = 200) -> str:
    """One line of printable text: control/format characters become spaces, runs collapse,
    and "=?" cannot open an RFC 2047 encoded word (the email package would decode one, CR LF
    and all, into the header it writes)."""
    shown = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in value
    )
    return " ".join(shown.replace("=?", "= ?").split())[:limit]


def checked_address(address: str) -> str:
    if address != address.strip() or any(ord(char) < 32 or ord(char) == 127 for char in address):
        raise BadRecipient("the address contains control characters")
    try:
        return validate_email(address, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as error:
        raise BadRecipient(str(error)) from None


def sender_address(address: str) -> str:
    """The operator's PODIUM_MAIL_FROM: one plain address (special-use domains allowed)."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or clean_text(address, 320) != address or " " in address:
        raise ValueError(f"PODIUM_MAIL_FROM is not one plain address: {address!r}")
    return address


def _address(name: str, address: str) -> Address:
    username, _, domain = address.rpartition("@")
    return Address(display_name=clean_text(name), username=username, domain=domain)


def compose(
    rendered: Rendered, *, sender: str, recipient: str, name: str, message_id: str, now: datetime
) -> EmailMessage:
    to = checked_address(recipient)
    message = EmailMessage()
    message["Subject"] = clean_text(rendered.subject, 300)
    message["From"] = _address("Podium", sender_address(sender))
    message["To"] = _address(name, to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=message_id, domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if rendered.ics is not None and rendered.method is not None:
        message.add_attachment(
            rendered.ics,
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": rendered.method},
        )
    message["Content-Language"] = rendered.language  # last: set_content clears Content-*
    return message
