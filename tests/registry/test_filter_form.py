"""The filter form takes a province or district code from a link only when INEI lists it, and the case list's
years come from the first and the last registration."""

import pytest
from django.utils import translation

from amparo.registry.forms import CaseFilterForm
from amparo.registry.selectors import years_with_cases
from amparo.registry.services import case_register
from tests.personas import victim_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field, value", [("district", "150101"), ("province", "1501")])
def test_a_listed_place_code_is_taken(field, value):
    form = CaseFilterForm({field: value})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == value and form.place() == value


@pytest.mark.parametrize(
    "field, value",
    [("district", "159999"), ("district", "1501"), ("province", "150101"), ("province", "9999"), ("district", "x")],
)
def test_an_unlisted_place_code_is_refused_naming_it(field, value):
    form = CaseFilterForm({field: value})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors[field][0] == f"Select a valid choice. {value} is not one of the available choices."


def test_the_years_run_from_the_first_registration_to_the_last(organisation):
    assert years_with_cases() == []
    for number, year in enumerate((2019, 2016, 2021)):
        record = victim_record(f"Y-{number}")
        record.registration_date = record.registration_date.replace(year=year)
        case_register(record=record, source=organisation)
    assert years_with_cases() == [2021, 2020, 2019, 2018, 2017, 2016]
