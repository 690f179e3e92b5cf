"""The public pages in the reader's language: English, French, Spanish or Chinese — the
registrant's `language` when the page is theirs, else the browser's Accept-Language.

Templates are Jinja2 with the i18n extension; the catalogs are web/locales/*/pages.po
(web/locales/README.md). Dates are formatted by Babel; the pages' scripts re-format them in
the visitor's own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader

from podium.mail.languages import CONTENT_LANGUAGE, catalog, locale_for

if TYPE_CHECKING:  # Babel loads with the first page (a server starts faster)
    from babel.support import NullTranslations

# Accept-Language's primary tags → the pages' locales.
BY_TAG = {"en": "en", "fr": "fr", "es": "es", "zh": "zh_Hans_CN"}
# A page's locale → the v1 `language` a registration made on it gets (its e-mails' language).
V1_LANGUAGE = {"en": "en-US", "fr": "fr-FR", "es": "es", "zh_Hans_CN": "zh-CN"}
EN_DASH = "\u2013"  # between a start and an end time


def negotiate(accept_language: str) -> str:
    """The best of the pages' locales for an Accept-Language header (English by default)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        locale = BY_TAG.get(tag.strip().split("-")[0].lower())
        if locale is not None and quality > 0:
            ranked.append((-quality, position, locale))
    return min(ranked)[2] if ranked else "en"


def page_locale(accept_language: str, language: str = "") -> str:
    """A registrant's own language (v1 code) wins; else the browser's."""
    if language.strip():
        return locale_for(language)
    return negotiate(accept_language)


def html_lang(locale: str) -> str:
    return CONTENT_LANGUAGE[locale]


def translations(locale: str) -> NullTranslations:
    return catalog("podium.web", "pages", locale)


@cache
def environment(locale: str) -> Environment:
    """One template environment per language, its catalog installed once."""
    return template_environment(translations(locale))


def template_environment(messages: NullTranslations) -> Environment:
    """The templates (web/templates) speaking the language of `messages`."""
    env = Environment(
        loader=PackageLoader("podium.web", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(messages, newstyle=True)  # type: ignore[attr-defined]
    return env


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


@dataclass(frozen=True)
class When:
    """A session's date and times as a page first shows them (its script then shows them
    in the visitor's own time zone): ISO instants for the script, text for people."""

    start: str
    end: str
    date: str
    times: str
    zone: str


@lru_cache(maxsize=512)  # a room's page asks it for every attendee who opens their link
def when(start: datetime, minutes: int, zone: str, locale: str) -> When:
    from babel.dates import format_date, format_time

    local = start.astimezone(ZoneInfo(zone))
    end = (start + timedelta(minutes=minutes or 60)).astimezone(ZoneInfo(zone))
    start_time, end_time = (format_time(t, "short", locale=locale) for t in (local, end))
    times = f"{start_time} {EN_DASH} {end_time}"
    return When(
        start=start.isoformat(),
        end=(start + timedelta(minutes=minutes or 60)).isoformat(),
        date=format_date(local, "full", locale=locale),
        times=times,
        zone=zone,
    )
