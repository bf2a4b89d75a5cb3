"""Write tables for others to open: CSV, XLSX or JSON, with spreadsheet formulas neutralised.

A cell that begins with `=`, `+`, `-` or `@` would run as a formula in a
spreadsheet (CSV injection); it is written with a leading apostrophe, unless it
is a plain number such as CTDC's `-99`.
"""

from __future__ import annotations

import io
import json
import re

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise(value: str) -> str:
    if value and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell of the frame made safe to open in a spreadsheet."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns([
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]") & ~pl.col(c).str.contains(r"^[+-]?\d+(\.\d+)?$"))
        .then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_columns
    ])


def to_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV; empty cells are written empty, not as `""`."""
    safe = neutralised(frame)
    safe = safe.with_columns([pl.col(c).replace("", None) for c, t in safe.schema.items() if t == pl.String])
    return safe.write_csv(include_header=True).encode("utf-8")


def to_xlsx(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    numeric = [name for name, dtype in frame.schema.items() if dtype.is_numeric()]
    safe = neutralised(frame.with_columns(pl.exclude(numeric).cast(pl.String).fill_null("")))
    worksheet.write_row(0, 0, safe.columns)
    for index, row in enumerate(safe.iter_rows(), start=1):
        worksheet.write_row(index, 0, row)
    workbook.close()
    return buffer.getvalue()


def to_json(frame: pl.DataFrame) -> bytes:
    def safe(value):
        if isinstance(value, str):
            return neutralise(value)
        if isinstance(value, list):
            return [safe(v) for v in value]
        if isinstance(value, dict):
            return {k: safe(v) for k, v in value.items()}
        return value

    records = [{k: safe(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
    return json.dumps(records, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def write(frame: pl.DataFrame, kind: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}[kind](frame)
