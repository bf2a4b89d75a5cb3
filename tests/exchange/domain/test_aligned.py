"""A cell of values, one per perpetrator or event, reads back as it was written, by either implementation."""

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from amparo.exchange.domain import aligned


@given(st.lists(st.text(alphabet="ab;\\ \n,", max_size=6), max_size=4))
def test_a_list_of_values_reads_back_as_written_in_python_and_in_polars(values):
    cell = aligned.join(values)
    assert cell == pl.select(aligned.joined(pl.lit(pl.Series([values], dtype=pl.List(pl.String))))).item()
    expected = [v.strip() for v in values] if cell else []
    assert aligned.split(cell) == expected
    assert pl.select(aligned.split_column(pl.lit(cell))).item().to_list() == expected
    assert aligned.split_cells(pl.Series([cell, "a;b"])).to_list() == [expected, ["a", "b"]]


def test_empty_values_keep_their_place_and_an_empty_cell_holds_none():
    assert aligned.split(";no") == ["", "no"]
    assert aligned.split(" ") == [] and aligned.join(["", " "]) == ""
    assert aligned.split(r"Lima\; Cusco;C:\\x;a\b") == ["Lima; Cusco", "C:\\x", "a\\b"]
