"""The recurrence engine against dateutil.rrule used independently, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule

from podium.errors import InvalidParameter
from podium.recurrence import Recurrence, occurrence_starts, parse_recurrence


def local_starts(rule: rrule.rrule, zone: str) -> list[datetime]:
    """What the test expects: each local wall-clock start, converted to UTC."""
    return [moment.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC) for moment in rule]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_weekly_keeps_wall_clock_across_dst_in_los_angeles() -> None:
    recurrence = parse_recurrence({"type": 2, "weekly_days": "2", "end_times": 4})
    start = utc("2026-03-03T18:00:00")  # Tuesday 10:00 PST

    starts = occurrence_starts(recurrence, start, "America/Los_Angeles")

    expected = local_starts(
        rrule.rrule(rrule.WEEKLY, dtstart=datetime(2026, 3, 3, 10), byweekday=rrule.MO, count=4),
        "America/Los_Angeles",
    )
    assert starts == expected
    assert [s.strftime("%m-%d %H:%M") for s in starts] == [
        "03-09 17:00",
        "03-16 17:00",
        "03-23 17:00",
        "03-30 17:00",
    ]  # 10:00 PDT after 8 March is 17:00 UTC, not 18:00


def test_daily_keeps_wall_clock_across_dst_in_berlin() -> None:
    recurrence = parse_recurrence({"type": 1, "end_times": 3})
    start = utc("2026-10-24T07:00:00")  # 09:00 CEST

    starts = occurrence_starts(recurrence, start, "Europe/Berlin")

    assert [s.isoformat() for s in starts] == [
        "2026-10-24T07:00:00+00:00",
        "2026-10-25T08:00:00+00:00",  # 09:00 CET after the change
        "2026-10-26T08:00:00+00:00",
    ]
    expected = local_starts(
        rrule.rrule(rrule.DAILY, dtstart=datetime(2026, 10, 24, 9), count=3), "Europe/Berlin"
    )
    assert starts == expected


def test_monthly_last_friday() -> None:
    recurrence = parse_recurrence(
        {"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 4}
    )
    start = utc("2026-01-01T15:00:00")

    starts = occurrence_starts(recurrence, start, "Europe/Berlin")

    assert [s.date().isoformat() for s in starts] == [
        "2026-01-30",
        "2026-02-27",
        "2026-03-27",
        "2026-04-24",
    ]
    expected = local_starts(
        rrule.rrule(
            rrule.MONTHLY, dtstart=datetime(2026, 1, 1, 16), byweekday=rrule.FR(-1), count=4
        ),
        "Europe/Berlin",
    )
    assert starts == expected


def test_monthly_day_31_falls_on_last_day_of_short_months() -> None:
    recurrence = parse_recurrence({"type": 3, "monthly_day": 31, "end_times": 5})
    start = utc("2026-01-01T12:00:00")

    starts = occurrence_starts(recurrence, start, "UTC")

    assert [s.date().isoformat() for s in starts] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
    ]
    expected = local_starts(
        rrule.rrule(
            rrule.MONTHLY,
            dtstart=datetime(2026, 1, 1, 12),
            bymonthday=(28, 29, 30, 31),
            bysetpos=-1,
            count=5,
        ),
        "UTC",
    )
    assert starts == expected


def test_monthly_day_15_every_third_month() -> None:
    recurrence = parse_recurrence(
        {"type": 3, "monthly_day": "15", "repeat_interval": "3", "end_times": 3}
    )

    starts = occurrence_starts(recurrence, utc("2026-01-20T12:00:00"), "UTC")

    assert [s.date().isoformat() for s in starts] == ["2026-04-15", "2026-07-15", "2026-10-15"]


def test_end_date_time_includes_an_occurrence_on_the_bound() -> None:
    recurrence = parse_recurrence({"type": 1, "end_date_time": "2026-02-05T09:00:00Z"})

    starts = occurrence_starts(recurrence, utc("2026-02-01T09:00:00"), "UTC")

    assert [s.day for s in starts] == [1, 2, 3, 4, 5]
    assert recurrence.end_times is None


def test_end_date_time_before_start_gives_no_occurrence() -> None:
    recurrence = parse_recurrence({"type": 1, "end_date_time": "2026-01-01T00:00:00Z"})

    with pytest.raises(InvalidParameter) as raised:
        occurrence_starts(recurrence, utc("2026-02-01T09:00:00"), "UTC")

    assert (
        str(raised.value)
        == "Invalid parameter: recurrence. It gives no occurrence after start_time."
    )


def test_end_date_time_over_fifty_occurrences_is_refused() -> None:
    recurrence = parse_recurrence({"type": 1, "end_date_time": "2026-03-23T09:00:00Z"})

    with pytest.raises(InvalidParameter) as raised:
        occurrence_starts(recurrence, utc("2026-02-01T09:00:00"), "UTC")

    assert str(raised.value) == (
        "Invalid parameter: recurrence. end_date_time gives more than 50 occurrences."
    )


def test_end_date_time_of_exactly_fifty_occurrences_is_accepted() -> None:
    recurrence = parse_recurrence({"type": 1, "end_date_time": "2026-03-22T09:00:00Z"})

    starts = occurrence_starts(recurrence, utc("2026-02-01T09:00:00"), "UTC")

    assert len(starts) == 50


def test_end_times_defaults_to_one() -> None:
    recurrence = parse_recurrence({"type": 2})

    starts = occurrence_starts(recurrence, utc("2026-02-02T09:00:00"), "UTC")

    assert recurrence == Recurrence(type=2, repeat_interval=1, end_times=1)
    assert starts == [utc("2026-02-02T09:00:00")]


def test_end_times_fifty_is_the_maximum() -> None:
    recurrence = parse_recurrence({"type": 1, "end_times": 50})

    assert len(occurrence_starts(recurrence, utc("2026-02-02T09:00:00"), "UTC")) == 50


def test_recurrence_survives_its_json_form() -> None:
    recurrence = parse_recurrence(
        {"type": 2, "weekly_days": "4,2,2", "end_date_time": "2026-3-1T00:00:00Z"}
    )

    assert Recurrence.from_json(recurrence.to_json()) == recurrence
    assert recurrence.weekly_days == (2, 4)


REFUSED: list[tuple[Any, str]] = [
    ({}, "type is required (1 daily, 2 weekly, 3 monthly)."),
    ({"type": 4}, "type must be from 1 to 3."),
    ({"type": True}, "type must be a whole number."),
    ({"type": "x"}, "type must be a whole number."),
    ({"type": 1, "repeat_interval": 91}, "repeat_interval must be from 1 to 90."),
    ({"type": 2, "repeat_interval": 13}, "repeat_interval must be from 1 to 12."),
    ({"type": 3, "repeat_interval": 4}, "repeat_interval must be from 1 to 3."),
    ({"type": 1, "end_times": 51}, "end_times must be from 1 to 50."),
    ({"type": 1, "end_times": 0}, "end_times must be from 1 to 50."),
    (
        {"type": 1, "end_times": 2, "end_date_time": "2026-03-01T00:00:00Z"},
        "Give end_times or end_date_time, not both.",
    ),
    (
        {"type": 2, "weekly_days": "2,²"},
        "weekly_days must be numbers from 1 (Sunday) to 7 (Saturday).",
    ),
    (
        {"type": 2, "weekly_days": "0,8"},
        "weekly_days must be numbers from 1 (Sunday) to 7 (Saturday).",
    ),
    ({"type": 3, "monthly_day": 32}, "monthly_day must be from 1 to 31."),
    (
        {"type": 3, "monthly_week": 0, "monthly_week_day": 2},
        "monthly_week must be -1 (last week) or 1 to 4.",
    ),
    ({"type": 3, "monthly_week": 5, "monthly_week_day": 2}, "monthly_week must be from -1 to 4."),
    ({"type": 3, "monthly_week": 1}, "monthly_week and monthly_week_day go together."),
    (
        {"type": 3, "monthly_day": 3, "monthly_week": 1, "monthly_week_day": 2},
        "Give monthly_day or monthly_week, not both.",
    ),
    ({"type": 1, "end_date_time": "soon"}, "Use UTC time such as 2012-11-25T12:00:00Z."),
    ("daily", "It must be a JSON object."),
]


@pytest.mark.parametrize(("data", "reason"), REFUSED)
def test_parse_recurrence_refuses(data: Any, reason: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_recurrence(data)

    assert str(raised.value) == f"Invalid parameter: recurrence. {reason}"
