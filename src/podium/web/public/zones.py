"""The time zones a visitor picks from: the real, inhabited ones of the tz database's
zone.tab (one per region of each country), and UTC — never "Factory", "localtime" or the
legacy aliases. Each is labelled with its city and country in the page's language, and its
offset now, so typing a city or a country finds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from podium.api.params import known_timezones


@dataclass(frozen=True)
class Zone:
    name: str  # the IANA name, the value sent
    label: str  # "Paris, France (UTC+01:00)"


@cache
def zone_countries() -> tuple[tuple[str, str], ...]:
    """(zone, ISO country code) of zone.tab, in the file's order, then UTC."""
    text = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    found = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_comment = line.split("\t")
            found.append((zone, country))
    return (*found, ("UTC", ""))


def offset(zone: str, at: datetime) -> str:
    delta = at.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = 0 if delta is None else int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@cache
def _places(locale: str) -> dict[str, str]:
    """Zone → "City, Country" in `locale` (computed once per language)."""
    from babel import Locale
    from babel.dates import get_timezone_location

    countries = Locale.parse(locale).territories
    places = {}
    for zone, country in zone_countries():
        city = get_timezone_location(zone, locale=locale, return_city=True)
        places[zone] = f"{city}, {countries.get(country, country)}" if country else zone
    return places


def zone_choices(locale: str, at: datetime, also: tuple[str, ...] = ()) -> list[Zone]:
    """The zones to pick from, sorted by label, with `also` (a webinar's own zone, which
    may be an alias such as "US/Eastern") when they are real zones not already listed."""
    places = _places(locale)
    names = list(places) + [z for z in also if z not in places and z in known_timezones()]
    choices = [Zone(z, f"{places.get(z, z)} ({offset(z, at)})") for z in names]
    return sorted(choices, key=lambda zone: zone.label)


def zone_label(zone: str, locale: str) -> str:
    return _places(locale).get(zone, zone)
