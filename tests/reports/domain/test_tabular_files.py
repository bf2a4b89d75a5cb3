import csv
import io

from python_calamine import CalamineWorkbook

from amparo.reports.domain.presentation import Column, ReportTable
from amparo.reports.domain.tabular_files import write_csv, write_xlsx

COLUMNS = (Column("label", "Department", "text"), Column("count", "Cases", "count"), Column("share", "Share", "share"))


def _table(slug, rows, keys):
    return ReportTable(
        slug=slug,
        title=f"Title {slug}",
        definition="Def",
        unit="cases",
        unit_label="cases",
        columns=COLUMNS,
        keys=keys,
        rows=rows,
        note="Counts from 1 to 4 are hidden.",
    )


def test_the_workbook_has_a_summary_then_one_sheet_per_table_with_numbers_as_numbers():
    tables = [
        _table(
            "department", (("Lima", 120, 120 / 253), ("Puno", None, None), ("Total", 253, 1.0)), ("15", "21", "total")
        ),
        _table("sex", (("Female", 200, 0.79),), ("Feminine",)),
    ]
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(write_xlsx(tables, hidden="hidden", summary=[("Summary", "Text")]))
    )
    assert book.sheet_names == ["summary", "department", "sex"]
    rows = book.get_sheet_by_name("department").to_python()
    header = next(i for i, row in enumerate(rows) if row[0] == "Department")
    assert rows[0][0] == "Title department"
    assert rows[header + 1][:2] == ["Lima", 120]
    assert abs(rows[header + 1][2] - 120 / 253) < 1e-9
    assert rows[header + 2][1] == "hidden"


def test_sheet_names_stay_unique_and_short():
    long = "x" * 40
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(write_xlsx([_table(long, (), ()), _table(long, (), ()), _table("a/b", (), ())], hidden="-"))
    )
    assert book.sheet_names == ["x" * 31, "x" * 29 + "-2", "a-b"]


def test_csv_has_keys_labels_counts_and_fractions():
    text = write_csv(
        _table("department", (("Lima", 120, 120 / 253), ("Puno", None, None)), ("15", "21")), hidden="hidden"
    )
    rows = list(csv.reader(io.StringIO(text.decode())))
    assert rows == [
        ["key", "Department", "Cases", "Share"],
        ["15", "Lima", "120", "0.4743"],
        ["21", "Puno", "hidden", "hidden"],
    ]
