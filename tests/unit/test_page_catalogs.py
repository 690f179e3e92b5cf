"""Every text of the public pages (templates, the texts their scripts and refusals show) is
translated in every catalog, and pages.pot is up to date."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "src" / "podium" / "web"
METHODS = [
    ("public/**.py", "python"),
    ("manage_reports.py", "python"),
    ("templates/manage/**.html", "ignore"),  # the dashboard's own catalog (manage.po)
    ("templates/**.html", "jinja2"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def page_messages() -> set[str]:
    found = extract_from_dir(str(WEB), METHODS, options_map=OPTIONS)
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in found
    }


def test_the_page_catalog_is_up_to_date() -> None:
    with (WEB / "locales" / "pages.pot").open("rb") as pot:
        listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}

    assert listed == page_messages()


def test_every_catalog_translates_every_page_message() -> None:
    wanted = page_messages()
    for language in ("fr", "es", "zh_CN"):
        with (WEB / "locales" / language / "LC_MESSAGES" / "pages.po").open("rb") as po:
            catalog = read_po(po)
        translated = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalog
            if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
        }
        assert translated == wanted, language


def test_the_scripts_strings_are_listed_for_the_catalogs() -> None:
    from podium.web.public.texts import ENGLISH

    called = {
        match.group(1)
        for script in (WEB / "static" / "js").glob("*.js")
        for match in re.finditer(r'(?<![\w.])t\("((?:[^"\\]|\\.)*)"', script.read_text())
    }

    assert called == set(ENGLISH)
