"""The files of a release directory, written from what the release stores."""

import json
from pathlib import Path

import xlsxwriter

FILE_NAMES = ("release.json", "tables.json", "tables.xlsx", "microdata.csv", "synthetic.csv")


def write_tables_xlsx(tables: dict, path: Path) -> None:
    """One sheet per table: its dimensions, the count, and the table's 95% error bound above them."""
    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True})
    contents = workbook.add_worksheet("contents")
    contents.write_row(0, 0, ["table", "epsilon", "error_bound_95", "rows"], bold)
    contents.write_row(1, 0, ["total", "", tables["total_error_bound_95"], tables["total"]])
    for number, table in enumerate(tables["tables"], start=2):
        contents.write_row(number, 0, [table["slug"], table["epsilon"], table["error_bound_95"], len(table["rows"])])
        sheet = workbook.add_worksheet(table["slug"][:31])
        sheet.write_row(0, 0, ["95% error bound", table["error_bound_95"]])
        columns = [*table["dimensions"], "count"]
        sheet.write_row(2, 0, columns, bold)
        for index, row in enumerate(table["rows"], start=3):
            sheet.write_row(index, 0, [row[c] for c in columns])
    workbook.close()


def write_release_directory(
    directory: Path, *, summary: dict, tables: dict, microdata_csv: str, synthetic_csv: str
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in FILE_NAMES]
    paths[0].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(json.dumps(tables, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_tables_xlsx(tables, paths[2])
    paths[3].write_text(microdata_csv, encoding="utf-8")
    paths[4].write_text(synthetic_csv, encoding="utf-8")
    return paths
