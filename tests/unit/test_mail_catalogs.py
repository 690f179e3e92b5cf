"""Every message of the e-mail templates is translated in every catalog."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

MAIL = Path(__file__).resolve().parents[2] / "src" / "podium" / "mail"
OPTIONS = {"templates/**": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def template_messages() -> set[str]:
    found = extract_from_dir(str(MAIL), [("templates/**", "jinja2")], options_map=OPTIONS)
    return {str(message) for _file, _line, message, _comments, _context in found}


def test_the_template_catalog_is_up_to_date() -> None:
    with (MAIL / "locales" / "messages.pot").open("rb") as pot:
        listed = {str(message.id) for message in read_po(pot) if message.id}

    assert listed == template_messages()


def test_every_catalog_translates_every_message() -> None:
    wanted = template_messages()
    for language in ("fr", "es", "zh_CN"):
        with (MAIL / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po)
        translated = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
        assert translated == wanted, language
