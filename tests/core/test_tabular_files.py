"""The one writer of downloadable files: formulas neutralised, numbers kept, in CSV, XLSX and JSON alike."""

import csv
import io
import json

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from amparo.core.tabular_files import csv_bytes, json_bytes, neutralise, write_frame


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1 555", "'+1 555"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-99", "-99"),
        ("+3.5", "+3.5"),
        ("Lima", "Lima"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_a_cell_is_neutralised_only_when_a_spreadsheet_would_run_it(value, written):
    assert neutralise(value) == written


FRAME = pl.DataFrame({"name": ['=HYPERLINK("x")', "Ana", None], "code": ["-99", "@x", ""], "count": [1, -2, None]})


def test_csv_json_and_xlsx_of_a_frame_agree():
    rows = list(csv.DictReader(io.StringIO(write_frame(FRAME, "csv").decode())))
    assert [r["name"] for r in rows] == ['\'=HYPERLINK("x")', "Ana", ""]
    assert [r["code"] for r in rows] == ["-99", "'@x", ""]
    records = json.loads(write_frame(FRAME, "json"))
    assert [r["name"] for r in records] == ['\'=HYPERLINK("x")', "Ana", None] and records[1]["count"] == -2
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(write_frame(FRAME, "xlsx"))).get_sheet_by_index(0).to_python()
    assert sheet[1] == ['\'=HYPERLINK("x")', "-99", 1] and sheet[2][2] == -2


def test_a_provenance_goes_into_json_and_xlsx():
    provenance = {"filters": {"years": [2024]}, "registry_revision": "abc"}
    data = json.loads(write_frame(FRAME, "json", provenance))
    assert data["provenance"] == provenance and len(data["records"]) == 3
    book = CalamineWorkbook.from_filelike(io.BytesIO(write_frame(FRAME, "xlsx", provenance)))
    assert book.sheet_names == ["data", "provenance"]
    assert book.get_sheet_by_name("provenance").to_python() == [
        ["filters", '{"years": [2024]}'],
        ["registry_revision", "abc"],
    ]


def test_nested_json_and_csv_rows_are_neutralised_too():
    assert json.loads(json_bytes({"a": ["=x", {"b": "+y"}], "n": -1})) == {"a": ["'=x", {"b": "'+y"}], "n": -1}
    assert csv_bytes([["k", "v"], ["=x", 3]]).decode().splitlines() == ["k,v", "'=x,3"]
