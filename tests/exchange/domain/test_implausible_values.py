"""Values a column can hold but no case can have: a placeholder date (0001-01-01), a registration before any
registry existed, an identifier longer than the registry stores. Each is refused with what was expected,
never stored (and counted in a year nobody registered), cut, or left to fail the database."""

from datetime import date

import polars as pl
import pytest

from amparo.exchange.domain import problems as P
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import ROW
from amparo.registry.records import CaseRecord, EventRecord, PersonRecord, validate_case

TODAY = date(2026, 1, 1)


def _normalised(**cells):
    row = {"source_record_id": "R-1", "registration_date": "2024-01-01"} | cells
    frame = pl.DataFrame({column: [value] for column, value in row.items()})
    return normalise_cases(frame.with_columns(pl.Series(ROW, [2], dtype=pl.Int64)), today=TODAY)


def _problems(**cells) -> list[tuple]:
    result = _normalised(**cells)
    assert result.frame.is_empty()
    return [(p.column, p.value, p.reason, dict(p.params)) for p in result.problems[2]]


@pytest.mark.parametrize("value", ["0001-01-01", "1800-01-01", "31/12/1989"])
def test_a_registration_before_any_registry_is_refused(value):
    assert _problems(registration_date=value) == [("registration_date", value, P.TOO_EARLY, {"earliest": "1990-01-01"})]


def test_the_earliest_registration_is_stored():
    assert _normalised(registration_date="1990-01-01").frame["registration_date"].to_list() == [date(1990, 1, 1)]


@pytest.mark.parametrize(
    "column, value",
    [("prs_Birthdate", "1905-12-31"), ("exploitation_date", "0001-01-01"), ("recruitment_date", "1800-01-01")],
)
def test_a_birth_or_an_event_before_anyone_living_was_born_is_refused(column, value):
    """120 years before TODAY's year: 1906-01-01."""
    cells = {column: value} | ({"exploitation_department": "Lima"} if column == "exploitation_date" else {})
    cells |= {"recruitment_department": "Lima"} if column == "recruitment_date" else {}
    assert _problems(**cells) == [(column, value, P.TOO_EARLY, {"earliest": "1906-01-01"})]


def test_an_identifier_longer_than_the_registry_stores_is_refused_not_cut():
    longest = "R" * 100
    assert _normalised(source_record_id=longest).frame["source_record_id"].to_list() == [longest]
    too_long = "R" * 10_000
    assert _problems(source_record_id=too_long) == [("source_record_id", too_long, P.TOO_LONG, {"length": "100"})]


def test_what_was_expected_reads_in_the_user_s_language():
    from django.utils import translation

    with translation.override("en"):
        assert P.expected_text(P.TOO_EARLY, {"earliest": "1990-01-01"}) == "a date on or after 1990-01-01"
        assert P.expected_text(P.TOO_LONG, {"length": "100"}) == "at most 100 characters"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"registration_date": date(1800, 1, 1)}, "registration_date"),
        ({"source_record_id": "R" * 101}, "source_record_id"),
        ({"victim": PersonRecord(birthdate=date(1, 1, 1))}, "prs_Birthdate"),
        ({"events": [EventRecord("Exploitation", ubigeo="15", date=date(1, 1, 1))]}, "hte_Date"),
    ],
)
def test_a_record_from_a_form_or_a_generator_is_held_to_the_same_bounds(change, field):
    record = CaseRecord(source_record_id="R-1", registration_date=date(2024, 1, 1))
    assert validate_case(record, today=TODAY) == []
    problems = validate_case(CaseRecord(**{**record.__dict__, **change}), today=TODAY)
    assert [p.field for p in problems] == [field]
