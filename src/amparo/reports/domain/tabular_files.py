"""Report tables as files: XLSX (one sheet per table) and CSV, figures as numbers, written by core.tabular_files."""

from collections.abc import Sequence

from amparo.core.tabular_files import Workbook, csv_bytes
from amparo.reports.domain.presentation import ReportTable


def write_xlsx(
    tables: Sequence[ReportTable],
    *,
    hidden: str,
    summary: Sequence[tuple[str, str]] = (),
    summary_title: str = "summary",
    provenance: dict | None = None,
) -> bytes:
    """A workbook with an optional summary sheet, then one sheet per table (title, definition, note, table),
    then, when given, the provenance sheet (the filter and registry revision the figures come from)."""
    book = Workbook()
    if summary:
        sheet = book.sheet(summary_title)
        sheet.widths(0, 0, 40)
        sheet.widths(1, 1, 100)
        for r, (label, value) in enumerate(summary):
            sheet.text(r, 0, label, "bold")
            sheet.text(r, 1, value, "wrap")
    for table in tables:
        sheet = book.sheet(table.slug)
        sheet.text(0, 0, table.title, "bold")
        sheet.text(1, 0, table.definition)
        sheet.text(2, 0, table.unit_label)
        first = 4
        if table.note:
            sheet.text(3, 0, table.note)
            first = 5
        sheet.widths(0, 0, 36)
        sheet.widths(1, len(table.columns), 14)
        for c, column in enumerate(table.columns):
            sheet.text(first, c, column.label, "header")
        for r, row in enumerate(table.rows, start=first + 1):
            for c, (column, value) in enumerate(zip(table.columns, row)):
                if value is None:
                    sheet.text(r, c, hidden)
                elif column.kind == "count":
                    sheet.number(r, c, value)
                elif column.kind == "share":
                    sheet.number(r, c, value, "percent")
                else:
                    sheet.text(r, c, str(value))
        sheet.freeze(first + 1, 1)
    if provenance is not None:
        book.provenance(provenance)
    return book.content()


def write_csv(table: ReportTable, *, hidden: str) -> bytes:
    """One table as CSV: a header of column labels, then rows; shares as fractions with 4 decimals."""
    rows = [["key"] + [c.label for c in table.columns]]
    for key, row in zip(table.keys, table.rows):
        cells = []
        for column, value in zip(table.columns, row):
            if value is None:
                cells.append(hidden)
            elif column.kind == "share":
                cells.append(f"{value:.4f}")
            else:
                cells.append(value)
        rows.append([key, *cells])
    return csv_bytes(rows)
