"""The spec's e-mail languages → Babel locales; anything else is English."""

from __future__ import annotations

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
