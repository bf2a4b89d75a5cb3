"""The slips a source makes always change what they claim to change."""

import random
from datetime import date

import pytest

from amparo.registry.records import PersonRecord
from amparo.synth.domain import sources
from amparo.synth.domain.generator import InvalidOptions

PERSON = PersonRecord("Feminine", "PE", "María Rocío", "Huamán Quispe", date(2000, 1, 31), "12345678")


@pytest.mark.parametrize("seed", range(50))
def test_a_typo_always_changes_the_text(seed):
    rng = random.Random(seed)
    for text in ("Quispe", "Ana", "Huamán Ccori", "Li"):
        typo = sources._typo(rng, text)
        assert typo != text and typo.strip()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2000, 1, 31), 1, date(2000, 2, 29)),
        (date(2001, 3, 31), -1, date(2001, 2, 28)),
        (date(2000, 12, 15), 1, date(2001, 1, 15)),
        (date(2000, 1, 15), -1, date(1999, 12, 15)),
    ],
)
def test_a_birth_date_a_month_off_stays_a_real_date(day, months, expected):
    assert sources._shift_month(day, months) == expected


def test_each_slip_changes_the_person():
    rng = random.Random(1)
    for slip in (
        "upper_case",
        "accents_dropped",
        "typo_first_name",
        "typo_surname",
        "swapped_surnames",
        "second_given_name_dropped",
        "missing_dni",
        "dni_digit",
        "birthdate_day",
        "birthdate_month",
        "missing_birthdate",
    ):
        assert sources._slip(rng, slip, PERSON) != PERSON, slip


def test_it_refuses_an_unknown_source():
    with pytest.raises(InvalidOptions, match="sources 'army': expected some of police"):
        sources.reports([], ["army"], seed=1)
