"""A message has exactly one recipient and headers no field value can add to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from podium.mail.compose import BadRecipient, checked_address, clean_text, compose
from podium.mail.render import Rendered
from tests.mail_sink import header_names

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
HOSTILE = [
    "Ann\r\nBcc: evil@attacker.test",
    "Ann\nCc: evil@attacker.test",
    "Ann\rTo: evil@attacker.test",
    "Ann\x00Bcc: evil@attacker.test",
    "Ann\u2028Bcc: evil@attacker.test",
    "=?utf-8?q?Ann=0D=0ABcc:_evil@attacker.test?=",
    "Ann%0d%0aBcc: evil@attacker.test",
    "Ann, evil@attacker.test",
    '"Ann" <evil@attacker.test>',
]


def rendered(subject: str = "Hello") -> Rendered:
    return Rendered(
        subject, "text", "<p>html</p>", "en", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "REQUEST"
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_display_name_adds_no_header_or_recipient(name: str) -> None:
    message = compose(
        rendered(),
        sender="podium@podium.test",
        recipient="ann@example.com",
        name=name,
        message_id="1",
        now=NOW,
    )

    raw = message.as_bytes()
    assert [address.addr_spec for address in message["To"].addresses] == ["ann@example.com"]
    assert sorted(header_names(raw)) == sorted(
        [
            "Subject",
            "From",
            "To",
            "Date",
            "Message-ID",
            "Auto-Submitted",
            "MIME-Version",
            "Content-Type",
            "Content-Language",
        ]
    )
    assert b"\nBcc:" not in raw
    assert b"\nCc:" not in raw


@pytest.mark.parametrize("subject", HOSTILE)
def test_a_hostile_topic_stays_in_the_subject(subject: str) -> None:
    message = compose(
        rendered(subject),
        sender="podium@podium.test",
        recipient="ann@example.com",
        name="Ann",
        message_id="1",
        now=NOW,
    )

    assert "\n" not in message["Subject"]
    assert "\r" not in message["Subject"]
    assert "\x00" not in message["Subject"]
    assert message.get_all("Bcc") is None
    assert message.get_all("Cc") is None


@pytest.mark.parametrize(
    "address",
    [
        "ann@example.com\r\nBcc: evil@attacker.test",
        "ann@example.com\nevil@attacker.test",
        "ann@example.com\x00",
        "ann@example.com, evil@attacker.test",
        "Ann <ann@example.com>",
        " ann@example.com",
    ],
)
def test_a_hostile_address_is_refused(address: str) -> None:
    with pytest.raises(BadRecipient):
        compose(
            rendered(),
            sender="podium@podium.test",
            recipient=address,
            name="Ann",
            message_id="1",
            now=NOW,
        )


def test_clean_text_keeps_printable_text() -> None:
    assert clean_text("Zoë  Ødegård\t李") == "Zoë Ødegård 李"
    assert checked_address("ann@example.com") == "ann@example.com"
