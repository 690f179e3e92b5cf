"""Every text of the dashboard (its templates, and the texts its modules mark with N_ or
pass to a translator) is translated in every catalog, and manage.pot is up to date."""

from __future__ import annotations

from tests.unit.catalogs import LANGUAGES, listed, marked, translated

METHODS = [
    ("manage_reports.py", "ignore"),  # the report page speaks the public pages' catalog
    ("manage_*.py", "python"),
    ("templates/manage/**.html", "jinja2"),
]
OPTIONS = {
    "templates/manage/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
}


def dashboard_messages() -> set[str]:
    return marked(METHODS, OPTIONS)


def test_the_dashboard_catalog_is_up_to_date() -> None:
    assert listed("manage") == dashboard_messages()


def test_every_catalog_translates_every_dashboard_message() -> None:
    wanted = dashboard_messages()
    for language in LANGUAGES:
        assert translated("manage", language) == wanted, language
