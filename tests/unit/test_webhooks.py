"""Webhooks' pure parts: the body as JavaScript writes it, Zoom's signature and challenge,
the retry schedule, the addresses refused, subscription input and the sealed secret."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from podium.errors import InvalidParameter, MissingParameter, WebhookUrlRefused
from podium.services.tokens import Keyring
from podium.services.webhook_outbox import Attempt, settle
from podium.services.webhook_payloads import (
    EVENTS,
    encrypted_token,
    serialise,
    signature,
    url_validation_body,
)
from podium.services.webhook_subscriptions import open_secret, parse_subscription, seal_secret
from podium.web.webhook_client import Answer, address_kind, request_headers, validation_error
from podium.web.webhook_sink import js_stringify
from tests.webhook_check import stringify, zoom_signature_ok

AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DOCUMENT = {
    "event": "webinar.created",
    "event_ts": 1768478400000,
    "payload": {"object": {"topic": 'Café "ünïcode" ✓ 日本\n\t\x01', "id": 81234567890}},
}


def test_bodies_are_what_javascript_json_stringify_writes() -> None:
    body = serialise(DOCUMENT)

    assert body == stringify(json.loads(body)) == js_stringify(json.loads(body))
    assert body == (
        '{"event":"webinar.created","event_ts":1768478400000,"payload":{"object":'
        '{"topic":"Café \\"ünïcode\\" ✓ 日本\\n\\t\\u0001","id":81234567890}}}'
    )


def test_the_signature_is_zooms_v0_hmac_of_timestamp_and_body() -> None:
    raw = serialise(DOCUMENT).encode()
    expected = hmac.new(b"s3cret", b"v0:1768478400:" + raw, hashlib.sha256).hexdigest()

    headers = request_headers("s3cret", raw, timestamp=1768478400, request_id="r-1")

    assert signature("s3cret", 1768478400, raw) == f"v0={expected}"
    assert headers == {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-id": "r-1",
        "x-zm-request-timestamp": "1768478400",
        "x-zm-signature": f"v0={expected}",
    }
    assert zoom_signature_ok(raw, headers, "s3cret")
    assert not zoom_signature_ok(raw, headers, "other")
    bad = request_headers("s3cret", raw, timestamp=1768478400, request_id="r", bad_signature=True)
    assert not zoom_signature_ok(raw, bad, "s3cret")


def test_escaped_non_ascii_would_not_verify() -> None:
    """Why the body keeps non-ASCII characters as they are: Rivet re-serialises."""
    ascii_body = json.dumps(DOCUMENT, separators=(",", ":")).encode()
    headers = {
        "x-zm-request-timestamp": "1",
        "x-zm-signature": signature("k", 1, ascii_body),
    }

    assert not zoom_signature_ok(ascii_body, headers, "k")


def test_url_validation_challenge_and_answer() -> None:
    plain = "qgg8vlvZRS6UYooatFL8Aw"
    right = hmac.new(b"k", plain.encode(), hashlib.sha256).hexdigest()
    answer = json.dumps({"plainToken": plain, "encryptedToken": right}).encode()

    assert url_validation_body(plain, AT) == (
        '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1768478400000,'
        '"event":"endpoint.url_validation"}'
    )
    assert encrypted_token("k", plain) == right
    assert validation_error(Answer(200, answer, 5), "k", plain) is None
    assert validation_error(Answer(204, answer, 5), "k", plain) is None
    assert validation_error(Answer(200, answer, 5), "other", plain) == (
        "encryptedToken is not the HMAC-SHA-256 of plainToken with the secret token"
    )
    assert validation_error(Answer(404, b"nope", 5), "k", plain) == "it answered HTTP 404: nope"
    assert validation_error(Answer(200, b"ok", 5), "k", plain) == (
        "it answered HTTP 200: ok (expected JSON with plainToken and encryptedToken)"
    )
    assert validation_error(Answer(None, b"", 3000, "no answer within 3 seconds"), "k", plain) == (
        "no answer within 3 seconds"
    )


def attempt(status: int | None, attempts: int = 0, *, final: bool = False) -> Attempt:
    return Attempt(7, attempts, AT, status, 12, "" if status == 200 else "x", final)


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(0, timedelta(minutes=5)), (1, timedelta(minutes=20)), (2, timedelta(minutes=60))],
)
def test_5xx_and_transport_failures_are_retried_on_zooms_schedule(
    attempts: int, delay: timedelta
) -> None:
    for status in (500, 503, None):
        state = settle(attempt(status, attempts))
        assert (state["status"], state["attempts"]) == ("pending", attempts + 1)
        assert state["next_attempt_at"] == AT + delay


def test_after_the_third_retry_a_delivery_has_failed() -> None:
    state = settle(attempt(502, 3))

    assert (state["status"], state["attempts"], state["last_status"]) == ("failed", 4, 502)


@pytest.mark.parametrize("status", [301, 302, 400, 401, 404, 429])
def test_3xx_and_4xx_answers_are_final(status: int) -> None:
    assert settle(attempt(status))["status"] == "failed"


def test_a_2xx_answer_is_sent_and_a_refused_address_is_final() -> None:
    sent = settle(attempt(200))

    assert (sent["status"], sent["sent_at"], sent["last_error"]) == ("sent", AT, "")
    assert settle(attempt(None, final=True))["status"] == "failed"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.10", "private"),
        ("fd12:3456::1", "private"),
        ("100.64.0.1", "private"),
        ("169.254.10.1", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to classify, not to bind
        ("224.0.0.1", "multicast"),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


def test_a_subscription_needs_url_and_secret_and_known_events() -> None:
    new = parse_subscription({"url": "https://hooks.example.com/zoom", "secret_token": "t0k"})

    assert (new.url, new.secret_token, new.events) == (
        "https://hooks.example.com/zoom",
        "t0k",
        EVENTS,
    )
    chosen = parse_subscription(
        {
            "url": "http://x.example/z",
            "secret_token": "t",
            "events": ["webinar.ended", "webinar.created"],
        }
    )
    assert chosen.events == ("webinar.created", "webinar.ended")
    with pytest.raises(MissingParameter, match="url is required"):
        parse_subscription({"secret_token": "t"})
    with pytest.raises(MissingParameter, match="secret_token is required"):
        parse_subscription({"url": "https://x.example/"})
    with pytest.raises(WebhookUrlRefused, match="only http:// and https://"):
        parse_subscription({"url": "ftp://x.example/", "secret_token": "t"})
    with pytest.raises(WebhookUrlRefused, match="credentials in the URL"):
        parse_subscription({"url": "https://u:p@x.example/", "secret_token": "t"})
    with pytest.raises(InvalidParameter, match=r"meeting\.created is not one of"):
        parse_subscription(
            {"url": "https://x.example/", "secret_token": "t", "events": ["meeting.created"]}
        )
    with pytest.raises(InvalidParameter, match="one or more event names"):
        parse_subscription({"url": "https://x.example/", "secret_token": "t", "events": []})


def test_a_sealed_secret_opens_only_with_its_key_and_subscription() -> None:
    sealed = seal_secret(b"k" * 32, "sub-1", "my secret token", b"n" * 12)

    assert b"my secret token" not in sealed
    assert open_secret(b"k" * 32, "sub-1", sealed) == "my secret token"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        open_secret(b"j" * 32, "sub-1", sealed)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        open_secret(b"k" * 32, "sub-2", sealed)


def test_a_secret_sealed_before_a_key_rotation_still_opens_with_the_old_key_kept() -> None:
    sealed = seal_secret(b"o" * 32, "sub-1", "my secret token", b"n" * 12)

    assert open_secret(Keyring([b"n" * 32, b"o" * 32]), "sub-1", sealed) == "my secret token"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        open_secret(Keyring([b"n" * 32]), "sub-1", sealed)  # the old key dropped


def test_the_sink_prints_numbers_as_javascript_does() -> None:
    assert js_stringify({"a": 1.0, "b": 1.5, "c": 1e21, "d": 1e-7, "e": [True, None]}) == (
        '{"a":1,"b":1.5,"c":1e+21,"d":1e-7,"e":[true,null]}'
    )
