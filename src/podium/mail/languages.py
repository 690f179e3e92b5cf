"""The spec's e-mail languages → Babel locales (anything else is English), and the gettext
catalogs of a package (the e-mails' and the pages': `.po` files read directly, nothing
compiled is kept in the repository)."""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel loads when a catalog is first read (a server starts faster)
    from babel.support import NullTranslations

LOCALES = {
    "en-US": "en",
    "en": "en",
    "zh-CN": "zh_Hans_CN",
    "zh": "zh_Hans_CN",
    "en-ES": "es",  # sic: the v1 spec's spelling of Spanish
    "es": "es",
    "fr-FR": "fr",
    "fr": "fr",
}
CATALOGS = {"en": None, "zh_Hans_CN": "zh_CN", "es": "es", "fr": "fr"}  # locale → catalog
CONTENT_LANGUAGE = {"en": "en", "zh_Hans_CN": "zh-CN", "es": "es", "fr": "fr"}


def locale_for(language: str) -> str:
    return LOCALES.get(language.strip(), "en")


@cache
def catalog(package: str, domain: str, locale: str) -> NullTranslations:
    """The translations of `locale` in `package`/locales/<catalog>/LC_MESSAGES/<domain>.po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    catalog_name = CATALOGS.get(locale)
    if catalog_name is None:
        return NullTranslations()
    source = files(package).joinpath("locales", catalog_name, "LC_MESSAGES", f"{domain}.po")
    with source.open("rb") as po:
        messages = read_po(po, locale=catalog_name)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled)
