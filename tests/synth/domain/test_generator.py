"""The generator's records are valid registry records, and its options are checked."""

import pytest

from amparo.core import geography
from amparo.registry.records import case_place, family_facilitated, validate_case
from amparo.synth.domain import calibration
from amparo.synth.domain.generator import InvalidOptions, SynthOptions, generate, parse_scale, parse_years
from tests.exchange.samples import TODAY

RELATIVES = {"parent", "step_parent", "sibling", "grandparent", "uncle_aunt", "other_relative"}


@pytest.fixture(scope="module")
def cases():
    return generate(SynthOptions(first_year=2016, last_year=2018))


def test_every_generated_record_passes_registry_validation(cases):
    problems = {c.record.source_record_id: validate_case(c.record, today=TODAY) for c in cases}
    assert {k: v for k, v in problems.items() if v} == {}


def test_non_family_cases_have_no_relative_and_no_household_member(cases):
    for case in cases:
        perpetrators = case.record.perpetrators
        has_family = any(p.relationship in RELATIVES or p.lives_in_household for p in perpetrators)
        assert has_family == family_facilitated(perpetrators)


def test_every_case_has_one_exploitation_event_in_peru(cases):
    for case in cases:
        exploitation = [e for e in case.record.events if e.event_type == "Exploitation"]
        assert len(exploitation) == 1 and exploitation[0].country == "PE" and len(exploitation[0].ubigeo) == 6
        assert case_place(case.record.events)[2] == exploitation[0].ubigeo


def test_age_when_trafficked_matches_the_birth_date_at_recruitment(cases):
    for case in cases:
        recruited = next(e.date for e in case.record.events if e.event_type == "Recruitment")
        born = case.record.victim.birthdate
        age = recruited.year - born.year - ((recruited.month, recruited.day) < (born.month, born.day))
        assert age == case.record.age_when_trafficked


def test_every_hotspot_is_a_real_district_of_its_department():
    for department, districts in calibration.HOTSPOTS.items():
        for district in districts:
            assert geography.normalise_ubigeo(district) == district
            assert district.startswith(department)


def test_the_2010_targets_add_up_to_the_iom_figures():
    assert sum(calibration.DEPARTMENT_CASES_2010.values()) == calibration.CASES_PER_YEAR[2010] == 253


def test_scale_multiplies_every_year_but_2010():
    cases = generate(SynthOptions(first_year=2010, last_year=2011, scale=2))
    years = [c.year for c in cases]
    assert years.count(2010) == 253
    assert years.count(2011) == 2 * calibration.CASES_PER_YEAR[2011]


@pytest.mark.parametrize(
    ("text", "expected"), [("2010-2025", (2010, 2025)), ("2015", (2015, 2015)), (" 2011-2012 ", (2011, 2012))]
)
def test_it_reads_years(text, expected):
    assert parse_years(text) == expected


@pytest.mark.parametrize("text", ["2025-2010", "1999", "2010-", "twenty", "2010-2026"])
def test_it_refuses_years_outside_2010_2025_or_reversed(text):
    with pytest.raises(InvalidOptions, match="expected FIRST-LAST") as raised:
        parse_years(text)
    assert raised.value.option == "years"


@pytest.mark.parametrize("text", ["-1", "0", "inf", "nan", "x", "101"])
def test_it_refuses_a_scale_that_is_not_a_positive_number(text):
    with pytest.raises(InvalidOptions, match="expected a number greater than 0") as raised:
        parse_scale(text)
    assert raised.value.option == "scale"
