"""How many perpetrators and events a row of a file gives, counted from its cells before they are parsed.

Each perpetrator or event of a case is one value in each of its columns (domain.aligned), and the normaliser
works value by value and place by place: a row giving a hundred thousand perpetrators took most of a minute
and gigabytes. An import refuses a file in which a cell gives more than the limit for one case, naming the
row, the column and the count.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.exchange.domain import aligned
from amparo.exchange.domain.columns import EVENT_ORDER, EVENTS
from amparo.exchange.domain.limits import Limits, ReadError
from amparo.exchange.domain.normalise import split_multi
from amparo.exchange.domain.readers import ROW
from amparo.exchange.domain.schema import EVENT_COLUMNS, PERPETRATOR_COLUMNS

RELATIONSHIP = "recruiter_relationship"  # one perpetrator per relationship; split as any multi-valued cell
PERPETRATOR_CELLS = (RELATIONSHIP, "recruiter_in_household", *PERPETRATOR_COLUMNS)
EVENT_CELLS = (EVENT_ORDER, *(f"{prefix}_{field}" for prefix, _type in EVENTS for field in EVENT_COLUMNS))
_ANY_SEPARATOR = r"[;|\n]"  # of either splitting: the count it gives is never below the values'


def check_case_parts(frame: pl.DataFrame, limits: Limits, names: dict[str, str]) -> None:
    """Refuse a file whose frame (Amparo's columns, as formats give them) has a cell with more perpetrators or
    events than the limits; `names` gives the file's own name of a column, for the message."""
    _refuse_over(
        frame,
        PERPETRATOR_CELLS,
        limits.perpetrators,
        names,
        _(
            "Row %(row)s, column %(column)s: the case has %(count)s perpetrators; an import reads at most "
            "%(limit)s per case."
        ),
    )
    _refuse_over(
        frame,
        EVENT_CELLS,
        limits.events,
        names,
        _("Row %(row)s, column %(column)s: the case has %(count)s events; an import reads at most %(limit)s per case."),
    )


def _values(column: str, cell: str) -> int:
    return len(split_multi(cell)) if column == RELATIONSHIP else len(aligned.split(cell))


def _refuse_over(frame: pl.DataFrame, columns: tuple[str, ...], limit: int, names: dict[str, str], message) -> None:
    """Separators are counted for every cell at once; the few cells that may hold too many are split exactly."""
    present = [column for column in columns if column in frame.columns]
    if not present:
        return
    bounds = frame.select(
        pl.col(column).fill_null("").str.count_matches(_ANY_SEPARATOR).add(1).alias(column) for column in present
    )
    suspects = bounds.select(pl.any_horizontal(pl.all() > limit)).to_series()
    if not suspects.any():
        return
    for index in suspects.arg_true().to_list():
        for column in present:
            if bounds[column][index] > limit:
                count = _values(column, frame[column][index] or "")
                if count > limit:
                    raise ReadError(
                        message,
                        {
                            "row": frame[ROW][index],
                            "column": names.get(column, column)[:80],
                            "count": count,
                            "limit": limit,
                        },
                    )
