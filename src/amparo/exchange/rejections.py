"""What an import rejected: the report (row, column, value and what was expected, in the user's language) and the
rejected rows themselves, as they were in the file, to be fixed and imported again."""

from __future__ import annotations

import json

import polars as pl
from django.utils.translation import gettext as _

from amparo.exchange import formats
from amparo.exchange.domain.columns import IDENTIFYING
from amparo.exchange.domain.problems import expected_text
from amparo.exchange.models import ImportBatch

HIDDEN = "***"
RAGGED_CELLS = "cells"  # the key of an original row longer than the header: its cells, in order


def problem_lines(batch: ImportBatch, *, reveal_identities: bool = False) -> list[dict]:
    """One line per problem; values of identifying columns are hidden unless the reader may see them."""
    lines = []
    for quarantined in batch.quarantined_rows.all():
        lines += _lines(quarantined.row_number, quarantined.problems, reveal_identities)
    return lines


def _lines(row: int, problems: list[dict], reveal_identities: bool) -> list[dict]:
    lines = []
    for problem in problems:
        hidden = problem.get("field") in IDENTIFYING and not reveal_identities
        lines.append(
            {
                "row": row,
                "column": problem["column"],
                "value": HIDDEN if hidden and problem["value"] else problem["value"],
                "expected": expected_text(problem["reason"], problem.get("params") or {}),
            }
        )
    return lines


def _file_header(batch: ImportBatch, originals: list[dict]) -> list[str]:
    """The file's header, in its order: the keys of any original row that fitted it (a rejected row, else a stored
    one); positional names when every row kept was longer than the header."""
    for original in originals:
        if RAGGED_CELLS not in original:
            return list(original)
    block = batch.original_blocks.order_by("id").first()
    if block is not None:
        first = next(iter(json.loads(block.rows_sealed).values()), None)
        if first is not None and RAGGED_CELLS not in first:
            return list(first)
    width = max((len(original[RAGGED_CELLS]) for original in originals), default=0)
    return [_("Column %(number)s") % {"number": n} for n in range(1, width + 1)]


def _identifying_cells(batch: ImportBatch, header: list[str]) -> set[str]:
    """The file's columns that give an identifying field of the Amparo case file, in the batch's format."""
    try:
        sources = formats.get(batch.format).source_columns(header)
    except formats.FormatError:
        return set()
    return {cell for column, cell in sources.items() if column in IDENTIFYING}


def _problems_text(row: int, problems: list[dict], reveal_identities: bool) -> str:
    said = [
        _("%(column)s is %(value)s: expected %(expected)s") % {**line, "value": repr(line["value"])}
        for line in _lines(row, problems, reveal_identities)
    ]
    return _("Row %(row)s: %(problems)s") % {"row": row, "problems": "; ".join(said)}


def rejected_rows_frame(batch: ImportBatch, *, reveal_identities: bool) -> pl.DataFrame:
    """The rejected rows as they were in the file (its header, in its order) with one more column, first, that
    says each row's problems. The importer ignores a column no format knows, so once the rows are fixed the file
    can be imported again as it is. Identifying cells stay empty unless the reader may see identities. A row
    that was longer than the header is spread over the header's columns, and its cells beyond them are named in
    its problems, so that nothing of it is lost."""
    quarantined = list(batch.quarantined_rows.order_by("row_number"))
    originals = [row.original for row in quarantined]
    problems_column = _("Problems to fix")
    # A file made here and imported again has this column already: it is said anew, not twice.
    header = [cell for cell in _file_header(batch, originals) if cell != problems_column]
    withheld = set() if reveal_identities else _identifying_cells(batch, header)
    columns: dict[str, list[str]] = {problems_column: [], **{cell: [] for cell in header}}
    for row, original in zip(quarantined, originals):
        problems = _problems_text(row.row_number, row.problems, reveal_identities)
        if RAGGED_CELLS in original:
            cells = original[RAGGED_CELLS]
            values = dict(zip(header, cells))
            beyond = cells[len(header) :]
            if beyond:
                problems += " " + _("Cells beyond the header: %(cells)s") % {"cells": " | ".join(beyond)}
        else:
            values = original
        columns[problems_column].append(problems)
        for cell in header:
            value = values.get(cell)
            columns[cell].append("" if value is None or cell in withheld else str(value))
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
