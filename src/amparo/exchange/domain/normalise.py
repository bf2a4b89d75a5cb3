"""Turn what people type into the codes Amparo stores, and refuse what cannot be understood.

Case, accents and spacing never decide a match (core.text.fold); synonyms come
from core.codelists and places from core.geography. Nothing is guessed: a value
that matches no code, no date format or no place gives None, and the row is
quarantined with its reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

import pycountry

from amparo.core import codelists, geography
from amparo.core.countries import country_translation
from amparo.core.text import fold

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_MULTI_SEPARATORS = re.compile(r"[;|\n]")


def _camel_words(code: str) -> str:
    return fold(_CAMEL.sub(" ", code))


@cache
def code_index(codelist: codelists.Codelist) -> dict[str, str]:
    """folded spelling -> code, from each code's labels in every language (Amparo reads back what it writes),
    then its synonyms, its words ("Sexual Exploitation") and the code itself."""
    index: dict[str, str] = {}
    for code in codelist:
        for label in code.labels():
            index[fold(label)] = code.code
    for code in codelist:
        for spelling in (*code.synonyms, _camel_words(code.code), code.code):
            index[fold(spelling)] = code.code
    return index


def normalise_code(codelist: codelists.Codelist, value: str) -> str | None:
    """The code a value stands for, "" for an empty value, None when it is not understood."""
    key = fold(value or "")
    if not key:
        return ""
    return code_index(codelist).get(key)


def split_multi(value: str) -> list[str]:
    """Cells holding several values: `;` (also `|` or a new line) between them."""
    return [part.strip() for part in _MULTI_SEPARATORS.split(value or "") if part.strip()]


def normalise_codes(codelist: codelists.Codelist, value: str) -> tuple[list[str], list[str]]:
    """(codes, parts not understood) of a multi-valued cell; order kept, repeats dropped.

    A part that is not a code as a whole may be several codes separated by spaces
    or commas (the ODK/Kobo export writes `DebtBondage PhysicalAbuse`).
    """
    codes, unknown = [], []
    for part in split_multi(value):
        code = normalise_code(codelist, part)
        if code:
            codes.append(code)
            continue
        pieces = [p for p in re.split(r"[\s,]+", part) if p]
        piece_codes = [normalise_code(codelist, p) for p in pieces]
        if len(pieces) > 1 and all(piece_codes):
            codes.extend(piece_codes)
        else:
            unknown.append(part)
    return list(dict.fromkeys(codes)), unknown


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_date(value: str) -> date | None:
    """ISO dates or day-first dates (dd/mm/yyyy, as written in Peru); never month-first."""
    text = (value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date: no time, no zone)
        except ValueError:
            continue
    return None


def parse_age(value: str) -> int | None:
    text = (value or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    # isdecimal, not isdigit: int() refuses a superscript "²"; and a number of thousands of digits is no age
    # (int() refuses one of over 4,300).
    if not text.isdecimal() or len(text.lstrip("0")) > 3:
        return None
    age = int(text)
    return age if 0 <= age <= 120 else None


def parse_yes_no(value: str) -> bool | None:
    code = normalise_code(codelists.ORGANISED_NETWORK, value)
    return {"yes": True, "no": False}.get(code or "")


@cache
def _relationship_index() -> dict[str, str]:
    index = dict(code_index(codelists.RECRUITER_RELATIONSHIP))
    for relationship in codelists.RELATIONSHIPS:
        index.setdefault(fold(relationship.code), relationship.code)
    return index


def normalise_relationships(value: str) -> tuple[list[str], list[str]]:
    """Detailed recruiter relationships of a cell (one per perpetrator) and the parts not understood."""
    codes, unknown = [], []
    for part in split_multi(value):
        code = _relationship_index().get(fold(part))
        (codes if code else unknown).append(code or part)
    return codes, unknown


@cache
def _country_index() -> dict[str, str]:
    """folded code or name (English or Spanish, as pycountry ships them) -> ISO alpha-2."""
    spanish = country_translation("es")
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
        names += [spanish.gettext(n) for n in names if n]
        for name in names:
            if name:
                index.setdefault(fold(name), country.alpha_2)
    for country in pycountry.countries:
        index[fold(country.alpha_2)] = country.alpha_2
        index[fold(country.alpha_3)] = country.alpha_2
    return index


def normalise_country(value: str) -> str | None:
    """ISO alpha-2 of a country given by alpha-2, alpha-3 or name; "" when empty, None when unknown."""
    key = fold(value or "")
    if not key:
        return ""
    return _country_index().get(key)


def normalise_place(ubigeo: str, department: str = "") -> str | None:
    """The ubigeo of a place given by code (leading zero restored) or by a department's name; "" when both
    are empty, None when not understood."""
    ubigeo, department = (ubigeo or "").strip(), (department or "").strip()
    if ubigeo:
        try:
            return geography.normalise_ubigeo(ubigeo)
        except geography.UnknownPlace:
            return None
    if department:
        try:
            return geography.find_place(department).ubigeo
        except geography.UnknownPlace:
            return None
    return ""
