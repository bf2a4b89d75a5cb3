"""Countries by ISO 3166-1 code (pycountry), named in the user's language."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _translation(language: str):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(alpha_2: str, language: str | None = None) -> str:
    """'Venezuela' for 'VE' in the active language; the code itself when it is not a country."""
    country = pycountry.countries.get(alpha_2=alpha_2.upper()) if alpha_2 else None
    if country is None:
        return alpha_2
    name = getattr(country, "common_name", None) or country.name
    return _translation((language or get_language() or "en").split("-")[0]).gettext(name)


def alpha_3(alpha_2: str) -> str:
    country = pycountry.countries.get(alpha_2=alpha_2.upper())
    if country is None:
        raise LookupError(f"{alpha_2!r} is not an ISO 3166-1 alpha-2 country code")
    return country.alpha_3
