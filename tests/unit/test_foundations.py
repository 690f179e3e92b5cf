"""Settings, clocks, ids, tokens and timestamps: the small pieces everything stands on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from podium.clock import FixedClock, SystemClock
from podium.db.engine import make_engine, normalise_url
from podium.errors import InvalidParameter
from podium.ids import Ids
from podium.services import tokens
from podium.settings import Settings
from podium.timestamps import format_timestamp, parse_timestamp

KEY = b"k" * 32
EXPIRY = datetime(2026, 1, 1, 14, 0, tzinfo=UTC)


def test_settings_from_env_reads_podium_variables_and_overrides_win() -> None:
    environ = {
        "PODIUM_DATABASE_URL": "sqlite:///a.db",
        "PODIUM_PUBLIC_URL": "https://p.example",
        "PODIUM_SECRET_KEY": "s3cret-key-of-16+",
        "PODIUM_ZAK_LIFETIME_SECONDS": "60",
        "PODIUM_SQLITE_SYNCHRONOUS": "normal",
        "PODIUM_HEARTBEAT_TIMEOUT_SECONDS": "45",
        "UNRELATED": "x",
    }

    settings = Settings.from_env(environ, database_url="sqlite:///b.db", port=None)

    assert settings == Settings(
        database_url="sqlite:///b.db",
        public_url="https://p.example",
        secret_key="s3cret-key-of-16+",
        zak_lifetime_seconds=60,
        sqlite_synchronous="NORMAL",
        heartbeat_timeout_seconds=45,
    )


def test_settings_defaults_and_temporary_database() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings.temporary().database_url.endswith("/podium.sqlite3")
    assert Settings().with_public_url("http://h:1/").public_url == "http://h:1"


def test_system_clock_is_utc_whole_seconds() -> None:
    now = SystemClock().now()

    assert now.tzinfo is UTC
    assert now.microsecond == 0


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))

    assert clock.advance(days=1, minutes=5) == datetime(2026, 1, 2, 0, 5, tzinfo=UTC)
    clock.set(datetime(2027, 1, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2027, 1, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 1, 1))


def test_seeded_ids_repeat_and_have_the_right_shapes() -> None:
    first, second = Ids.seeded(7), Ids.seeded(7)

    webinar_ids = [first.webinar_id() for _ in range(50)]
    assert webinar_ids == [second.webinar_id() for _ in range(50)]
    assert all(1_000_000_000 <= w < 10_000_000_000 for w in webinar_ids)
    assert len(first.uuid()) == 24
    assert len(first.host_id()) == 22
    assert len(first.registrant_id()) == 22
    assert len(first.api_secret()) == 43
    assert len(first.token()) == 22
    assert len(first.secret_key()) == 32


def test_api_secret_hash_is_keyed() -> None:
    stored = tokens.hash_api_secret(KEY, "secret")

    assert tokens.secret_matches(KEY, "secret", stored)
    assert not tokens.secret_matches(KEY, "Secret", stored)
    assert not tokens.secret_matches(b"other" * 8, "secret", stored)


def test_zak_is_bound_to_host_and_key() -> None:
    zak = tokens.mint_zak(KEY, "host-1", b"n" * 16, EXPIRY)

    assert tokens.zak_expiry(KEY, "host-1", zak) == EXPIRY
    assert tokens.zak_expiry(KEY, "host-2", zak) is None
    assert tokens.zak_expiry(b"x" * 32, "host-1", zak) is None


@pytest.mark.parametrize("forged", ["", "@@@", "abc", "A" * 54, "é"])
def test_forged_zak_is_refused(forged: str) -> None:
    assert tokens.zak_expiry(KEY, "host-1", forged) is None


def test_personal_link_tokens_are_derived_and_found_by_digest() -> None:
    issuer = tokens.Issuer(ids=Ids.seeded(3), key=KEY)

    nonce, digest = issuer.new_link()

    token = issuer.link_token(nonce)
    assert tokens.token_digest(token) == digest
    assert len(token) == 43
    assert tokens.personal_token(b"y" * 32, nonce) != token


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-1-9T3:00:00Z", "2017-01-09T03:00:00Z"),
        ("2017-01-09T03:00:00.123Z", "2017-01-09T03:00:00Z"),
        ("2017-01-09T03:00:00", "2017-01-09T03:00:00Z"),
        ("2017-01-09 03:00", "2017-01-09T03:00:00Z"),
        ("2017-01-09T03:00:00+02:00", "2017-01-09T01:00:00Z"),
        ("2017-01-09T03:00:00-0530", "2017-01-09T08:30:00Z"),
    ],
)
def test_parse_timestamp_is_lenient(text: str, expected: str) -> None:
    assert format_timestamp(parse_timestamp(text, name="start_time")) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2017-13-01T00:00:00Z",
        "2017-01-01T25:00:00Z",
        "2017-01-01T00:00:00+99:00",
        "9999-12-31T23:59:00-12:00",
    ],
)
def test_parse_timestamp_refuses_impossible_moments(text: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_timestamp(text, name="start_time")

    assert str(raised.value) == "Invalid parameter: start_time. It is not a real date and time."


def test_format_timestamp_of_nothing_is_empty() -> None:
    assert format_timestamp(None) == ""
    assert format_timestamp(EXPIRY + timedelta(microseconds=5)) == "2026-01-01T14:00:00Z"


def test_postgres_urls_mean_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x") == "sqlite:///x"


def test_unknown_sqlite_synchronous_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SQLite synchronous setting: SOMETIMES"):
        make_engine("sqlite://", sqlite_synchronous="SOMETIMES")
