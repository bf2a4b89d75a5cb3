"""Property-based tests of the normalisers: spelling never decides a match, and nothing is guessed."""

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.core import codelists, geography
from amparo.core.text import fold
from amparo.exchange.domain import normalise as norm

CODELISTS = [
    codelists.GENDER,
    codelists.EXPLOITATION_TYPE,
    codelists.METHODS_OF_CONTROL,
    codelists.RECRUITMENT_METHOD,
    codelists.TRAFFICKING_STATUS,
    codelists.ORGANISED_NETWORK,
]
SPELLINGS = [(cl, code.code, spelling) for cl in CODELISTS for code in cl for spelling in (code.code, *code.synonyms)]


def _accented(text: str) -> str:
    """Put an acute accent on every vowel, as a hurried typist might."""
    return "".join(unicodedata.normalize("NFC", ch + "\u0301") if ch in "aeiouAEIOU" else ch for ch in text)


@settings(max_examples=200)
@given(
    st.sampled_from(SPELLINGS),
    st.sampled_from([str.upper, str.lower, str.title, _accented]),
    st.text(alphabet=" \t", max_size=3),
)
def test_case_accents_and_spacing_never_decide_a_match(spelling, change, padding):
    codelist, code, text = spelling
    assert norm.normalise_code(codelist, padding + change(text) + padding) == code


@settings(max_examples=300)
@given(st.text(max_size=20))
def test_a_value_that_is_no_spelling_of_a_code_is_not_guessed(text):
    known = {fold(s) for _cl, _code, s in SPELLINGS if _cl is codelists.GENDER} | {
        fold(norm._camel_words(c.code)) for c in codelists.GENDER
    }
    result = norm.normalise_code(codelists.GENDER, text)
    if fold(text) and fold(text) not in known:
        assert result is None
    elif not fold(text):
        assert result == ""


def test_the_synonyms_people_type_are_understood():
    assert {norm.normalise_code(codelists.GENDER, v) for v in ("F", "Femenino", "Mujer", "female")} == {"Feminine"}
    assert norm.normalise_place("", "Cuzco") == "08"
    assert norm.normalise_place("", "Lima Metropolitana") == geography.LIMA_METROPOLITANA
    assert norm.normalise_country("Perú") == norm.normalise_country("PER") == "PE"


@settings(max_examples=200)
@given(st.sampled_from([p.ubigeo for p in geography.districts()]))
def test_a_ubigeo_that_lost_its_leading_zero_is_restored(ubigeo):
    assert norm.normalise_place(str(int(ubigeo))) == ubigeo
    assert norm.normalise_place(f"{int(ubigeo)}.0") == ubigeo


@given(
    st.integers(min_value=0, max_value=999_999).filter(
        lambda n: f"{n:06d}" not in {p.ubigeo for p in geography.districts()}
    )
)
def test_an_unknown_ubigeo_is_refused(number):
    assert norm.normalise_place(f"{number:06d}") is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_iso_and_day_first_dates_read_the_same(day):
    assert norm.parse_date(day.isoformat()) == day
    assert norm.parse_date(day.strftime("%d/%m/%Y")) == day


def test_a_month_first_date_is_not_guessed():
    assert norm.parse_date("12/31/2010") is None


@given(st.lists(st.sampled_from(codelists.METHODS_OF_CONTROL.values), min_size=1, max_size=5))
def test_multi_valued_cells_keep_order_and_drop_repeats(codes):
    found, unknown = norm.normalise_codes(codelists.METHODS_OF_CONTROL, " ; ".join(codes))
    assert found == list(dict.fromkeys(codes)) and unknown == []


@pytest.mark.parametrize(
    "value, codes",
    [("Madre", ["parent"]), ("tío; Pareja", ["uncle_aunt", "intimate_partner"]), ("stranger", ["stranger"])],
)
def test_detailed_relationships_are_read(value, codes):
    assert norm.normalise_relationships(value) == (codes, [])


@given(st.integers(min_value=-50, max_value=300))
def test_ages_outside_0_to_120_are_refused(age):
    assert norm.parse_age(str(age)) == (age if 0 <= age <= 120 else None)


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("codelist", codelists.ALL_CODELISTS, ids=lambda c: c.name)
def test_every_label_amparo_writes_is_read_back_as_its_code(codelist, language):
    """A file Amparo wrote, or a person who copied a label from its pages, imports as the same codes."""
    from django.utils import translation

    with translation.override(language):
        labels = {code.code: str(code.label) for code in codelist}
    assert {code: norm.normalise_code(codelist, label) for code, label in labels.items()} == {
        code: code for code in labels
    }


def test_the_relationship_amparo_labels_unknown_is_read_in_parentesco():
    assert norm.normalise_relationships("desconocido") == (["unknown"], [])
    assert norm.normalise_relationships("Desconocido; extraño") == (["unknown", "stranger"], [])
