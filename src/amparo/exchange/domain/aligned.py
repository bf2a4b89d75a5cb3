"""Cells that hold one value per perpetrator or per event: `;` between the values, in order.

`parent;uncle_aunt` beside `yes;no` says that the parent lives with the victim
and the uncle does not. A value may be empty (`;no`), so empty values keep
their place; a value that holds `;` or `\\` itself is written `\\;` or `\\\\`
(a `\\` before anything else is kept as it is). An empty cell holds no values.
The same encoding is written here in Python (for the JSON reader) and as Polars
expressions (for whole columns); tests check that they agree.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

SEPARATOR = ";"
# Stand-ins for `\\` and `\;` while a whole column is split; no spreadsheet cell holds these characters.
_BACKSLASH, _SEMICOLON = "\x00", "\x01"


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(SEPARATOR, "\\" + SEPARATOR)


def join(values: Iterable[str]) -> str:
    """One cell of values; empty when every value is (blank)."""
    values = list(values)
    return SEPARATOR.join(escape(v) for v in values) if any(v.strip() for v in values) else ""


def split(cell: str) -> list[str]:
    """The values of a cell, stripped; [] for an empty cell."""
    if not (cell or "").strip():
        return []
    protected = cell.replace("\\\\", _BACKSLASH).replace("\\" + SEPARATOR, _SEMICOLON)
    return [
        part.replace(_SEMICOLON, SEPARATOR).replace(_BACKSLASH, "\\").strip() for part in protected.split(SEPARATOR)
    ]


def joined(values: pl.Expr) -> pl.Expr:
    """A list-of-text expression as cells: the Polars form of `join`."""
    escaped = values.list.eval(
        pl.element()
        .fill_null("")
        .str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all(SEPARATOR, "\\" + SEPARATOR, literal=True)
    )
    text = escaped.list.join(SEPARATOR)
    return pl.when(~text.str.contains(rf"^[{SEPARATOR}\s]*$")).then(text).otherwise(pl.lit(""))


def split_column(cells: pl.Expr) -> pl.Expr:
    """A text expression as lists of values: the Polars form of `split`."""
    protected = (
        cells.fill_null("")
        .str.replace_all("\\\\", _BACKSLASH, literal=True)
        .str.replace_all("\\" + SEPARATOR, _SEMICOLON, literal=True)
    )
    parts = protected.str.split(SEPARATOR).list.eval(
        pl.element()
        .str.replace_all(_SEMICOLON, SEPARATOR, literal=True)
        .str.replace_all(_BACKSLASH, "\\", literal=True)
        .str.strip_chars()
    )
    return (
        pl.when(cells.fill_null("").str.strip_chars() != "").then(parts).otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )


def split_cells(cells: pl.Series) -> pl.Series:
    """`split_column` over a whole column; a column without any `\\` needs no unescaping, which saves most of
    the work on a large file."""
    if cells.str.contains("\\", literal=True).any():
        return pl.select(split_column(pl.lit(cells)))[:, 0]
    stripped = pl.lit(cells).fill_null("").str.strip_chars()
    parts = pl.lit(cells).str.split(SEPARATOR).list.eval(pl.element().str.strip_chars())
    return pl.select(pl.when(stripped != "").then(parts).otherwise(pl.lit([], dtype=pl.List(pl.String))))[:, 0]
