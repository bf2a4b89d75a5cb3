"""Every file Amparo writes for others to open, as CSV, XLSX or JSON, with spreadsheet formulas neutralised.

Exports, rejected rows, templates, dashboard tables and the annual report are
all written here, so no download can skip the rule: a text cell that begins
with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula when
a spreadsheet opens the file (CSV injection; an organisation named
`=HYPERLINK(...)` is enough), so it is written with a leading apostrophe,
unless it is a plain number such as CTDC's `-99`. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence

import polars as pl
import xlsxwriter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"
_NUMBER_PATTERN = r"^[+-]?\d+(\.\d+)?$"
_NUMBER = re.compile(_NUMBER_PATTERN)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
PROVENANCE = "provenance"  # the JSON key and the XLSX sheet that say what a file was computed from


def neutralise(value: str) -> str:
    if value and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _safe(value):
    """Every text inside a value (lists and objects included) neutralised; numbers and the rest unchanged."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    return value


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell of the frame made safe to open in a spreadsheet."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(_FORMULA_PATTERN) & ~pl.col(c).str.contains(_NUMBER_PATTERN))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in text_columns
        ]
    )


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """Rows (the header first) as UTF-8 CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def json_bytes(data) -> bytes:
    """Any JSON value, every text in it neutralised (dates and the like as text)."""
    return json.dumps(_safe(data), ensure_ascii=False, indent=1, default=str).encode("utf-8")


class Sheet:
    """One worksheet: text is neutralised and stays text; numbers are numbers."""

    def __init__(self, workbook: Workbook, worksheet):
        self._workbook, self._worksheet = workbook, worksheet

    def text(self, row: int, column: int, value: str, style: str = "") -> None:
        self._worksheet.write_string(row, column, neutralise(str(value)), self._workbook.style(style))

    def number(self, row: int, column: int, value: float, style: str = "") -> None:
        self._worksheet.write_number(row, column, value, self._workbook.style(style))

    def cells(self, row: int, values: Sequence, style: str = "") -> None:
        """A row of values from column 0: text, numbers, booleans; None leaves the cell empty."""
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                self._worksheet.write_boolean(row, column, value, self._workbook.style(style))
            elif isinstance(value, (int, float)):
                self.number(row, column, value, style)
            else:
                self.text(row, column, value, style)

    def widths(self, first: int, last: int, width: float) -> None:
        self._worksheet.set_column(first, last, width)

    def freeze(self, row: int, column: int) -> None:
        self._worksheet.freeze_panes(row, column)


class Workbook:
    """An XLSX workbook in memory whose sheets are Sheets; `content()` closes it and gives its bytes."""

    STYLES = {
        "bold": {"bold": True},
        "header": {"bold": True, "bg_color": "#F4F6F9", "border": 1},
        "percent": {"num_format": "0.0%"},
        "wrap": {"text_wrap": True, "valign": "top"},
    }

    def __init__(self):
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(
            self._buffer,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
        )
        self._styles = {name: self._book.add_format(spec) for name, spec in self.STYLES.items()}
        self._names: set[str] = set()

    def style(self, name: str):
        return self._styles[name] if name else None

    def sheet(self, name: str) -> Sheet:
        """A new sheet, its name made valid for Excel (31 characters, no []:*?/\\) and unique."""
        base = _SHEET_FORBIDDEN.sub("-", name)[:31] or "sheet"
        unique, n = base, 2
        while unique.lower() in self._names:
            suffix = f"-{n}"
            unique, n = base[: 31 - len(suffix)] + suffix, n + 1
        self._names.add(unique.lower())
        return Sheet(self, self._book.add_worksheet(unique))

    def provenance(self, provenance: dict) -> None:
        """A sheet of what the file was computed from: one field and its value (as JSON) a row."""
        sheet = self.sheet(PROVENANCE)
        sheet.widths(0, 0, 24)
        sheet.widths(1, 1, 80)
        for row, (name, value) in enumerate(provenance.items()):
            sheet.text(row, 0, name, "bold")
            sheet.text(row, 1, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))

    def content(self) -> bytes:
        self._book.close()
        return self._buffer.getvalue()


def frame_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV; empty cells are written empty, not as `""`."""
    safe = neutralised(frame)
    safe = safe.with_columns([pl.col(c).replace("", None) for c, t in safe.schema.items() if t == pl.String])
    return safe.write_csv(include_header=True).encode("utf-8")


def frame_xlsx(frame: pl.DataFrame, sheet: str = "data", provenance: dict | None = None) -> bytes:
    workbook = Workbook()
    data = workbook.sheet(sheet)
    numeric = [name for name, dtype in frame.schema.items() if dtype.is_numeric()]
    data.cells(0, frame.columns)
    for index, row in enumerate(
        frame.with_columns(pl.exclude(numeric).cast(pl.String).fill_null("")).iter_rows(), start=1
    ):
        data.cells(index, row)
    if provenance is not None:
        workbook.provenance(provenance)
    return workbook.content()


def frame_json(frame: pl.DataFrame, provenance: dict | None = None) -> bytes:
    """A list of objects, one per row; with a provenance, {"provenance": ..., "records": [...]}."""
    records = list(frame.iter_rows(named=True))
    return json_bytes(records if provenance is None else {PROVENANCE: provenance, "records": records})


def write_frame(frame: pl.DataFrame, kind: str, provenance: dict | None = None) -> bytes:
    """The frame as a csv, xlsx or json file. A CSV file is one table, with no room for its provenance."""
    if kind == "csv":
        return frame_csv(frame)
    if kind == "xlsx":
        return frame_xlsx(frame, provenance=provenance)
    if kind == "json":
        return frame_json(frame, provenance)
    raise ValueError(f"unknown file kind {kind!r}; expected csv, xlsx or json")
