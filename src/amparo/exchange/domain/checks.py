"""Checking a whole table column by column: each distinct value checked once, the problems of the rows that
fail collected, and values that come one per perpetrator or event laid out and gathered back per row.

Shared by the normalisation of a case file and of its perpetrators and events.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

import polars as pl

from amparo.core import codelists
from amparo.exchange.domain import aligned
from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain import problems as P
from amparo.registry.records import earliest_life_date

# What normalise_codes says of a cell: the codes understood and the values not.
CODES = pl.Struct({"codes": pl.List(pl.String), "unknown": pl.List(pl.String)})


def map_distinct(column: pl.Series, fn: Callable, dtype) -> pl.Series:
    """Apply fn once per distinct value of a column."""
    distinct = column.unique()
    mapped = pl.Series([fn(v) for v in distinct.to_list()], dtype=dtype)
    lookup = pl.DataFrame({"key": distinct, "value": mapped})
    return pl.DataFrame({"key": column}).join(lookup, on="key", how="left", maintain_order="left")["value"]


class Collector:
    """The problems found so far in a part of a file, row by row."""

    def __init__(self, rows: pl.Series):
        self.rows = rows
        self.found: list[P.Problem] = []

    def where(self, failed: pl.Series, column: str, values: pl.Series, reason: str, params: dict | None = None):
        """A problem for each failed row. A parameter of the reason is one value for every row, or a Series
        with one per row (e.g. how many values a list should hold)."""
        if not failed.any():
            return
        params = params or {}
        shared = tuple((k, str(v)) for k, v in params.items() if not isinstance(v, pl.Series))
        per_row = [
            [(k, str(v)) for v in series.filter(failed).to_list()]
            for k, series in params.items()
            if isinstance(series, pl.Series)
        ]
        own = zip(*per_row) if per_row else itertools.repeat(())
        for row, value, varying in zip(self.rows.filter(failed).to_list(), values.filter(failed).to_list(), own):
            self.found.append(P.Problem(row, column, value or "", reason, shared + tuple(varying)))


def cell_values(raw: pl.DataFrame, column: str) -> pl.Series:
    """The values of an aligned column (domain.aligned), a list per row; no splitting for a column left empty,
    as most of them are in most files."""
    if (raw[column] == "").all():
        return pl.select(pl.repeat(pl.lit([], dtype=pl.List(pl.String)), raw.height).alias(column))[column]
    return aligned.split_cells(raw[column]).alias(column)


def map_values(lists: pl.Series, fn: Callable, dtype, *, empty_ok: bool = True) -> tuple[pl.Series, pl.Series]:
    """fn of every value of every list, once per distinct value; and whether each row holds a value that fn
    refused (returned None for; an empty value is refused only when not `empty_ok`)."""
    distinct = lists.explode(empty_as_null=True).drop_nulls().unique()
    if distinct.is_empty():
        return lists.cast(pl.List(dtype)), pl.repeat(False, lists.len(), eager=True)
    results = [fn(v) for v in distinct.to_list()]
    refused = [v for v, r in zip(distinct.to_list(), results) if r is None and (v or not empty_ok)]
    wrapped = pl.Series("v", results, dtype=dtype).to_frame().to_struct()  # a list value is not taken for a pattern
    mapped = lists.list.eval(
        pl.element().replace_strict(distinct, wrapped, return_dtype=wrapped.dtype).struct.field("v")
    )
    return mapped.cast(pl.List(dtype)), lists.list.eval(pl.element().is_in(refused)).list.any()


def choices(codelist: codelists.Codelist) -> dict:
    return {"choices": ", ".join(codelist.values)}


def dates(raw: pl.DataFrame, column: str, bad: Collector, today: date) -> pl.Series:
    """The dates of an aligned date column (events', perpetrators' birth dates), a list per row (null where a
    value is empty); each must fall within a life (records.earliest_life_date) and not in the future."""
    dates, refused = map_values(cell_values(raw, column), norm.parse_date, pl.Date)
    bad.where(refused, column, raw[column], P.NOT_A_DATE)
    bad.where(dates.list.eval(pl.element() > today).list.any(), column, raw[column], P.FUTURE_DATE)
    earliest = earliest_life_date(today)
    too_early = dates.list.eval(pl.element() < earliest).list.any()
    bad.where(too_early, column, raw[column], P.TOO_EARLY, {"earliest": earliest.isoformat()})
    return dates


def date_bounds(parsed: pl.Series, column: str, values: pl.Series, bad: Collector, today: date, earliest: date):
    """Refuse the dates of a one-value column before `earliest` or after today."""
    bad.where(parsed.is_not_null() & (parsed > today), column, values, P.FUTURE_DATE)
    bad.where(parsed.is_not_null() & (parsed < earliest), column, values, P.TOO_EARLY, {"earliest": earliest})


def aligned_to(lists: pl.Series, counts: pl.Series) -> pl.Series:
    """Rows whose list holds values, but not `counts` of them."""
    return (lists.list.len() > 0) & (lists.list.len() != counts)


def each_place(
    lists: dict[str, pl.Series], counts: pl.Series, extra: dict[str, pl.Series] | None = None, broadcast: str = ""
) -> pl.DataFrame:
    """One row (i, j) for each of the `counts` places of each row i (a perpetrator, an event of a type), with
    the j-th value of each list, null where it has none (the `broadcast` list gives its one value to every
    place), and the `extra` columns; a row without places keeps one row, with j null. Place by place rather
    than by exploding the lists: most rows hold one value or none, and most lists are empty throughout."""
    extra = extra or {}
    wide = pl.DataFrame({**lists, **extra, "n": counts}).with_row_index("i")
    held = {name for name, values in lists.items() if values.list.len().max()}

    def value(name: str, j: int) -> pl.Expr:
        if name not in held:
            return pl.lit(None, dtype=lists[name].dtype.inner).alias(name)
        at = pl.col(name).list.get(j, null_on_oob=True)
        if name == broadcast:
            at = pl.when(pl.col(name).list.len() == 1).then(pl.col(name).list.first()).otherwise(at)
        return at.alias(name)

    parts = [
        wide.filter(pl.col("n") == 0).select(
            "i",
            pl.lit(None, dtype=pl.UInt32).alias("j"),
            *[pl.lit(None, dtype=lists[c].dtype.inner).alias(c) for c in lists],
            *extra,
        )
    ]
    for j in range(counts.max() or 0):
        wide = wide.filter(pl.col("n") > j)
        parts.append(wide.select("i", pl.lit(j, dtype=pl.UInt32).alias("j"), *[value(c, j) for c in lists], *extra))
    return pl.concat(parts).sort("i", "j", nulls_last=False)


def lists_per_row(each: pl.DataFrame, column: str, dtype) -> pl.Series:
    """The values of `column` gathered into one list per row: `each` holds every row `i` in order, with a null
    value for a row that has none."""
    lists = (
        each.with_columns(pl.col("i").set_sorted())
        .group_by("i", maintain_order=True)
        .agg(pl.col(column).drop_nulls())[column]
    )
    return lists.cast(pl.List(dtype))
