"""Countries by ISO 3166-1 code (pycountry), named in the reader's language.

The one place that turns codes into names: the case pages, the statistics'
labels and the importer's name matching all read pycountry through here.
"""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def country_translation(language: str) -> gettext.NullTranslations:
    """pycountry's own catalogue of country names for a language (English when it has none)."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _name(country, translation: gettext.NullTranslations) -> str:
    return translation.gettext(getattr(country, "common_name", None) or country.name)


def _active_translation(language: str | None) -> gettext.NullTranslations:
    return country_translation((language or get_language() or "en").split("-")[0])


def country_name(alpha_2: str, language: str | None = None) -> str:
    """'Venezuela' for 'VE' in the active language; the code itself when it is not a country."""
    country = pycountry.countries.get(alpha_2=alpha_2.upper()) if alpha_2 else None
    if country is None:
        return alpha_2
    return _name(country, _active_translation(language))


def country_names(language: str | None = None) -> dict[str, str]:
    """{alpha-2: name} of every country, in the active language."""
    translation = _active_translation(language)
    return {country.alpha_2: _name(country, translation) for country in pycountry.countries}


def alpha_3(alpha_2: str) -> str:
    """ISO alpha-3 of an alpha-2 code; "" when empty or not a country."""
    country = pycountry.countries.get(alpha_2=alpha_2) if alpha_2 else None
    return country.alpha_3 if country else ""
