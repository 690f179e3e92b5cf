"""Every text of the public pages (templates, the texts their scripts and refusals show) is
translated in every catalog, and pages.pot is up to date."""

from __future__ import annotations

import re

from tests.unit.catalogs import LANGUAGES, WEB, listed, marked, translated

METHODS = [
    ("public/**.py", "python"),
    ("manage_reports.py", "python"),
    ("templates/manage/**.html", "ignore"),  # the dashboard's own catalog (manage.po)
    ("templates/**.html", "jinja2"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def page_messages() -> set[str]:
    return marked(METHODS, OPTIONS)


def test_the_page_catalog_is_up_to_date() -> None:
    assert listed("pages") == page_messages()


def test_every_catalog_translates_every_page_message() -> None:
    wanted = page_messages()
    for language in LANGUAGES:
        assert translated("pages", language) == wanted, language


def test_the_scripts_strings_are_listed_for_the_catalogs() -> None:
    from podium.web.public.texts import ENGLISH

    called = {
        match.group(1)
        for script in (WEB / "static" / "js").glob("*.js")
        for match in re.finditer(r'(?<![\w.])t\("((?:[^"\\]|\\.)*)"', script.read_text())
    }

    assert called == set(ENGLISH)
