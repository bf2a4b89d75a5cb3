"""Tables as files: XLSX (one sheet per table) and CSV, with figures as numbers, not text."""

import csv
import io
import re
from collections.abc import Sequence

import xlsxwriter

from amparo.reports.domain.presentation import ReportTable

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(slug: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", slug)[:31] or "table"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"-{n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def write_xlsx(tables: Sequence[ReportTable], *, hidden: str, summary: Sequence[tuple[str, str]] = (),
               summary_title: str = "summary") -> bytes:
    """A workbook with an optional summary sheet, then one sheet per table: title, definition, note, table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#F4F6F9", "border": 1})
    percent = book.add_format({"num_format": "0.0%"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    if summary:
        sheet = book.add_worksheet(_sheet_name(summary_title, used))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 100)
        for r, (label, value) in enumerate(summary):
            sheet.write_string(r, 0, label, bold)
            sheet.write_string(r, 1, value, wrap)
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.slug, used))
        sheet.write_string(0, 0, table.title, bold)
        sheet.write_string(1, 0, table.definition)
        sheet.write_string(2, 0, table.unit_label)
        first = 4
        if table.note:
            sheet.write_string(3, 0, table.note)
            first = 5
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(table.columns), 14)
        for c, column in enumerate(table.columns):
            sheet.write_string(first, c, column.label, header)
        for r, row in enumerate(table.rows, start=first + 1):
            for c, (column, value) in enumerate(zip(table.columns, row)):
                if value is None:
                    sheet.write_string(r, c, hidden)
                elif column.kind == "count":
                    sheet.write_number(r, c, value)
                elif column.kind == "share":
                    sheet.write_number(r, c, value, percent)
                else:
                    sheet.write_string(r, c, str(value))
        sheet.freeze_panes(first + 1, 1)
    book.close()
    return buffer.getvalue()


def write_csv(table: ReportTable, *, hidden: str) -> str:
    """One table as CSV: a header of column labels, then rows; shares as fractions with 4 decimals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key"] + [c.label for c in table.columns])
    for key, row in zip(table.keys, table.rows):
        cells = []
        for column, value in zip(table.columns, row):
            if value is None:
                cells.append(hidden)
            elif column.kind == "share":
                cells.append(f"{value:.4f}")
            else:
                cells.append(value)
        writer.writerow([key, *cells])
    return out.getvalue()
