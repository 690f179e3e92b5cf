"""Settings declared once: checked values, one-line errors, masked output, the generated
reference, and PODIUM_SECRET_KEY's several keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from podium.services.tokens import (
    Keyring,
    hash_api_secret,
    link_token,
    mint_zak,
    personal_token,
    read_pass,
    secret_matches,
    sign_pass,
    token_digest,
    zak_expiry,
)
from podium.settings import SettingError, Settings, effective, mask_url, reference_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
OLD, NEW = b"old-key-0123456789abcdef", b"new-key-0123456789abcdef"
EXPIRY = datetime(2026, 1, 1, 14, 0, tzinfo=UTC)


def test_configuration_md_is_generated_from_the_declarations() -> None:
    assert DOCS.read_text() == reference_markdown(), (
        "docs/configuration.md is stale: podium config docs > docs/configuration.md"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "PODIUM_ZAK_LIFETIME_SECONDS",
            "abc",
            "PODIUM_ZAK_LIFETIME_SECONDS: 'abc' is not a whole number; expected seconds, "
            "from 60 to 2592000",
        ),
        (
            "PODIUM_PORT",
            "70000",
            "PODIUM_PORT: 70000 is out of range; expected a port number from 0 to 65535",
        ),
        (
            "PODIUM_SANDBOX",
            "maybe",
            "PODIUM_SANDBOX: 'maybe' is not a yes or no; expected yes or no",
        ),
        (
            "PODIUM_DATABASE_URL",
            "mysql://u:pw@h/db",
            "PODIUM_DATABASE_URL: 'mysql://u:***@h/db' does not start with sqlite or "
            "postgresql or postgres; expected a SQLAlchemy URL: sqlite:///path or "
            "postgresql://user:password@host:5432/name",
        ),
        (
            "PODIUM_SECRET_KEY",
            "a-long-enough-new-key,short",
            "PODIUM_SECRET_KEY: key 2 of 2 has 5 characters; expected one or more keys of at "
            "least 16 characters, comma-separated, newest first",
        ),
        (
            "PODIUM_FORWARDED_ALLOW_IPS",
            "127.0.0.1,proxy.local",
            "PODIUM_FORWARDED_ALLOW_IPS: 'proxy.local' is not an address or network; expected "
            "addresses or networks, comma-separated (127.0.0.1,::1 or 10.0.0.0/8), or *",
        ),
        (
            "PODIUM_LOG_FORMAT",
            "xml",
            "PODIUM_LOG_FORMAT: 'xml' is not one of them; expected text or json",
        ),
    ],
)
def test_settings_refuse_a_bad_value_in_one_line(variable: str, value: str, message: str) -> None:
    with pytest.raises(SettingError) as refused:
        Settings.from_env({variable: value})

    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_settings_check_options_like_variables() -> None:
    with pytest.raises(SettingError) as refused:
        Settings.from_env({}, public_url="ftp://x")

    assert str(refused.value).startswith("--public-url: 'ftp://x' does not start with http")


def test_settings_read_every_new_variable() -> None:
    settings = Settings.from_env(
        {
            "PODIUM_WORKERS": "4",
            "PODIUM_LOG_FORMAT": "JSON",
            "PODIUM_LOG_LEVEL": "warning",
            "PODIUM_FORWARDED_ALLOW_IPS": "127.0.0.1, ::1",
            "PODIUM_METRICS_PORT": "9100",
            "PODIUM_SHUTDOWN_TIMEOUT_SECONDS": "20",
            "PODIUM_SECRET_KEY": " new-key-0123456789abcdef , old-key-0123456789abcdef ",
        }
    )

    assert (settings.workers, settings.log_format, settings.log_level) == (4, "json", "warning")
    assert settings.forwarded_allow_ips == "127.0.0.1,::1"
    assert (settings.metrics_port, settings.shutdown_timeout_seconds) == (9100, 20)
    assert settings.secret_keys == (NEW, OLD)


def test_effective_settings_mask_secrets_and_passwords() -> None:
    environ = {
        "PODIUM_DATABASE_URL": "postgresql://podium:hunter2@db:5432/podium",
        "PODIUM_ADMIN_TOKEN": "admin-token-value",
        "PODIUM_SECRET_KEY": NEW.decode(),
    }
    settings = Settings.from_env(environ)

    lines = effective(settings, environ)

    assert "PODIUM_DATABASE_URL=postgresql://podium:***@db:5432/podium  (environment)" in lines
    assert "PODIUM_ADMIN_TOKEN=(set, hidden)  (environment)" in lines
    assert "PODIUM_SECRET_KEY=(set, hidden)  (environment)" in lines
    assert "PODIUM_PORT=8000  (default)" in lines
    assert not [line for line in lines if "hunter2" in line or "admin-token" in line]


def test_mask_url_hides_only_the_password() -> None:
    assert mask_url("smtp://me:pa%40ss@mail:587?starttls=1") == "smtp://me:***@mail:587?starttls=1"
    assert mask_url("sqlite:///podium.sqlite3") == "sqlite:///podium.sqlite3"
    assert mask_url("redis://cache:6379/0") == "redis://cache:6379/0"


def test_a_keyring_signs_with_the_newest_key_and_verifies_with_every_key() -> None:
    ring = Keyring([NEW, OLD])
    stored_under_old = hash_api_secret(OLD, "the-secret")
    zak_under_old = mint_zak(OLD, "host", b"n" * 16, EXPIRY)
    pass_under_old = sign_pass(OLD, {"w": 1})

    assert ring == NEW
    assert secret_matches(ring, "the-secret", stored_under_old)
    assert not secret_matches(ring, "another", stored_under_old)
    assert zak_expiry(ring, "host", zak_under_old) == EXPIRY
    assert read_pass(ring, pass_under_old) == {"w": 1}
    assert not secret_matches(Keyring([NEW]), "the-secret", stored_under_old)
    assert zak_expiry(NEW, "host", zak_under_old) is None
    assert read_pass(NEW, pass_under_old) is None


def test_a_personal_link_made_before_a_rotation_stays_the_same() -> None:
    old_token = personal_token(OLD, "nonce")
    ring = Keyring([NEW, OLD])

    assert link_token(ring, "nonce", token_digest(old_token)) == old_token
    assert link_token(ring, "nonce", None) == personal_token(NEW, "nonce")
    assert link_token(ring, "other", token_digest(old_token)) == personal_token(NEW, "other")
