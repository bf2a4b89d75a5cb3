"""A case's perpetrators and events as the Amparo and HTCDS formats write them: aligned cells of a flat row,
or objects nested in a JSON case (exchange.domain.readers reads both back into the same columns).

The expressions work on the typed frame of exchange.selectors (PERPETRATOR and EVENT lists). A value is
written as text: a date as YYYY-MM-DD (empty when unknown), a household flag as yes/no, a perpetrator's
roles as a list in JSON and separated by ',' in a cell.
"""

from __future__ import annotations

import polars as pl

from amparo.exchange.domain import aligned
from amparo.registry.frames import EVENT, PERPETRATOR, event_values, perpetrator_values

ROLES_SEPARATOR = ","
_DTYPES = {f.name: f.dtype for f in (*PERPETRATOR.fields, *EVENT.fields)}


def _as_text(value: pl.Expr, field: str, *, in_cell: bool) -> pl.Expr:
    dtype = _DTYPES[field]
    if dtype == pl.Date:
        return value.cast(pl.String).fill_null("")
    if dtype == pl.Boolean:
        return pl.when(value).then(pl.lit("yes")).otherwise(pl.lit("no"))
    if dtype == pl.List(pl.String) and in_cell:
        return value.list.join(ROLES_SEPARATOR)
    return value


def event_cell(event_type: str, field: str) -> pl.Expr:
    """One field of a case's events of one type, a value per event."""
    return aligned.joined(event_values(event_type, field).list.eval(_as_text(pl.element(), field, in_cell=True)))


def event_order_cell() -> pl.Expr:
    """The types of a case's events, in their order."""
    return aligned.joined(pl.col("events").list.eval(pl.element().struct.field("event_type")))


def perpetrator_cell(field: str) -> pl.Expr:
    """One field of a case's perpetrators, a value per perpetrator; the household flags as one value when
    they are all the same (the one value the cell always held, which still means: for every perpetrator)."""
    values = perpetrator_values(field).list.eval(_as_text(pl.element(), field, in_cell=True))
    if field != "lives_in_household":
        return aligned.joined(values)
    flags = perpetrator_values("lives_in_household")
    single = pl.when(flags.list.any()).then(pl.lit("yes")).otherwise(pl.lit("no"))
    return pl.when(flags.list.n_unique() > 1).then(aligned.joined(values)).otherwise(single)


def objects(column: str, keys: dict[str, str], computed: dict[str, pl.Expr] | None = None) -> pl.Expr:
    """A case's perpetrators or events (`column`) as JSON objects: key -> field of PERPETRATOR or EVENT, in
    the keys' order, then `computed` (key -> an expression of pl.element())."""
    fields = [
        _as_text(pl.element().struct.field(field), field, in_cell=False).alias(key) for key, field in keys.items()
    ]
    fields += [expression.alias(key) for key, expression in (computed or {}).items()]
    return pl.col(column).list.eval(pl.struct(fields))
