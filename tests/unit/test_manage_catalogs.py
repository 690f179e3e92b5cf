"""Every text of the dashboard (its templates, and the texts its modules mark with N_ or
pass to a translator) is translated in every catalog, and manage.pot is up to date."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "src" / "podium" / "web"
METHODS = [
    ("manage_reports.py", "ignore"),  # the report page speaks the public pages' catalog
    ("manage_*.py", "python"),
    ("templates/manage/**.html", "jinja2"),
]
OPTIONS = {
    "templates/manage/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
}


def dashboard_messages() -> set[str]:
    found = extract_from_dir(str(WEB), METHODS, options_map=OPTIONS)
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in found
    }


def test_the_dashboard_catalog_is_up_to_date() -> None:
    with (WEB / "locales" / "manage.pot").open("rb") as pot:
        listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}

    assert listed == dashboard_messages()


def test_every_catalog_translates_every_dashboard_message() -> None:
    wanted = dashboard_messages()
    for language in ("fr", "es", "zh_CN"):
        with (WEB / "locales" / language / "LC_MESSAGES" / "manage.po").open("rb") as po:
            catalog = read_po(po)
        translated = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalog
            if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
        }
        assert translated == wanted, language
