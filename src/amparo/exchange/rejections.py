"""The rejection report of a batch: row, column, value and what was expected, in the user's language."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from amparo.exchange.domain.columns import IDENTIFYING
from amparo.exchange.domain.problems import expected_text
from amparo.exchange.models import ImportBatch

HIDDEN = "***"


def problem_lines(batch: ImportBatch, *, reveal_identities: bool = False) -> list[dict]:
    """One line per problem; values of identifying columns are hidden unless the reader may see them."""
    lines = []
    for quarantined in batch.quarantined_rows.all():
        for problem in quarantined.problems:
            hidden = problem.get("field") in IDENTIFYING and not reveal_identities
            lines.append(
                {
                    "row": quarantined.row_number,
                    "column": problem["column"],
                    "value": HIDDEN if hidden and problem["value"] else problem["value"],
                    "expected": expected_text(problem["reason"], problem.get("params") or {}),
                }
            )
    return lines


def rejection_frame(batch: ImportBatch, *, reveal_identities: bool = False) -> pl.DataFrame:
    lines = problem_lines(batch, reveal_identities=reveal_identities)
    headers = {"row": _("Row"), "column": _("Column"), "value": _("Value"), "expected": _("Expected")}
    frame = pl.DataFrame(
        lines, schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "expected": pl.String}
    )
    return frame.rename(headers)
