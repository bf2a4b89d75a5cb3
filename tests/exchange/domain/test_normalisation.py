"""Every row ends stored or quarantined, never both, never neither; which one is known without the importer."""

from datetime import date
from unittest.mock import patch

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.exchange.domain import normalisation
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import ROW
from amparo.registry.frames import record_of
from amparo.registry.records import validate_case

# column -> (values that must be accepted, values that must be refused)
CELLS = {
    "registration_date": (["2024-01-31", "31/01/2024", "01-02-2020"], ["", "2024-13-01", "31/02/2024", "2999-01-01"]),
    "prs_Gender": (["", "F", "Mujer", "masculino", "NonConforming"], ["X", "alien"]),
    "age": (["", "0", "17", "120", "15.0"], ["-1", "121", "quince"]),
    "prs_Citizenship": (["", "PE", "PER", "Perú", "venezuela"], ["ZZ", "Narnia"]),
    "vic_TypeOfExploitation": (["", "SexualExploitation", "explotación sexual;trabajo forzoso"], ["foo", "sexual;foo"]),
    "exploitation_ubigeo": (["", "15", "150101", "10101", "8"], ["999999", "abc", "1234567"]),
    "recruiter_relationship": (["", "Madre", "tío;amigo", "stranger"], ["alien"]),
    "organised_network": (["", "si", "NO", "desconocido"], ["maybe"]),
}
ROW_STRATEGY = st.fixed_dictionaries({column: st.tuples(st.booleans(), st.integers(0, 10)) for column in CELLS})


def _cell(column: str, good: bool, index: int) -> str:
    values = CELLS[column][0 if good else 1]
    return values[index % len(values)]


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW_STRATEGY, min_size=1, max_size=30))
def test_each_row_is_stored_or_quarantined_as_its_cells_say(rows):
    data = {column: [_cell(column, *row[column]) for row in rows] for column in CELLS}
    data["source_record_id"] = [f"R{i}" for i in range(len(rows))]
    frame = pl.DataFrame(data).with_columns(pl.Series(ROW, range(2, 2 + len(rows)), dtype=pl.Int64))
    result = normalise_cases(frame, today=date(2026, 1, 1))
    expected_valid = {2 + i for i, row in enumerate(rows) if all(good for good, _ in row.values())}
    assert set(result.frame[ROW].to_list()) == expected_valid
    assert set(result.problems) == set(range(2, 2 + len(rows))) - expected_valid
    for row in result.frame.iter_rows(named=True):
        assert validate_case(record_of(row), today=date(2026, 1, 1)) == []
    for number, problems in result.problems.items():
        bad = {column for column, (good, _) in rows[number - 2].items() if not good}
        assert {p.column for p in problems} == bad


@settings(max_examples=30, deadline=None)
@given(st.lists(ROW_STRATEGY, min_size=1, max_size=30), st.integers(1, 7), st.lists(st.integers(0, 29), max_size=5))
def test_normalising_part_by_part_gives_what_normalising_at_once_gives(rows, part_rows, repeated):
    data = {column: [_cell(column, *row[column]) for row in rows] for column in CELLS}
    data["source_record_id"] = [f"R{i}" for i in range(len(rows))]
    for i in repeated:  # some identifiers come again, maybe in another part
        if i < len(rows):
            data["source_record_id"][i] = "R0"
    frame = pl.DataFrame(data).with_columns(pl.Series(ROW, range(2, 2 + len(rows)), dtype=pl.Int64))
    whole = normalise_cases(frame, today=date(2026, 1, 1))
    with patch.object(normalisation, "NORMALISE_ROWS", part_rows):
        parts = normalise_cases(frame, today=date(2026, 1, 1))
    assert parts.frame.to_dicts() == whole.frame.to_dicts()
    assert parts.problems == whole.problems
    assert all(
        p.params == (("first_row", "2"),) for row in parts.problems.values() for p in row if p.reason == "duplicate_id"
    )
