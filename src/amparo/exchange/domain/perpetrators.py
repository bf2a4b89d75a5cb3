"""A case file's perpetrators: one per relationship, with the values of the per-perpetrator columns in the
same places, as lists of registry.frames.PERPETRATOR."""

from __future__ import annotations

from datetime import date

import polars as pl

from amparo.core import codelists
from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain import problems as P
from amparo.exchange.domain.checks import (
    CODES,
    Collector,
    aligned_to,
    cell_values,
    choices,
    dates,
    each_place,
    lists_per_row,
    map_distinct,
    map_values,
)
from amparo.exchange.domain.schema import PERPETRATOR_COLUMNS
from amparo.registry.frames import PERPETRATOR


def perpetrators(raw: pl.DataFrame, bad: Collector, today: date) -> pl.Series:
    """Each row's perpetrators, one per relationship, with the values of the per-perpetrator columns in the
    same places. recruiter_in_household may also hold one value for all of them (a file that names one household for
    every perpetrator)."""
    relationships = map_distinct(raw["recruiter_relationship"], norm.normalise_relationships, CODES)
    unknown = relationships.struct.field("unknown")
    bad.where(
        unknown.list.len() > 0,
        "recruiter_relationship",
        unknown.list.join(";"),
        P.NOT_UNDERSTOOD,
        choices(codelists.RECRUITER_RELATIONSHIP),
    )
    codes = relationships.struct.field("codes")
    counts = codes.list.len() + unknown.list.len()

    households = cell_values(raw, "recruiter_in_household")
    bad.where(
        aligned_to(households, counts) & (households.list.len() > 1),
        "recruiter_in_household",
        raw["recruiter_in_household"],
        P.HOUSEHOLD_PER_PERPETRATOR,
        {"count": counts},
    )
    flags, refused = map_values(households, norm.parse_yes_no, pl.Boolean)
    bad.where(
        refused, "recruiter_in_household", raw["recruiter_in_household"], P.NOT_UNDERSTOOD, {"choices": "yes, no"}
    )
    columns = {"relationship": codes, "lives_in_household": flags.list.eval(pl.element().fill_null(False))}

    parsers = {
        "roles": (_roles, pl.List(pl.String), P.NOT_UNDERSTOOD, choices(codelists.ROLE_IN_PROCESS)),
        "gender": (
            lambda v: norm.normalise_code(codelists.GENDER, v),
            pl.String,
            P.NOT_UNDERSTOOD,
            choices(codelists.GENDER),
        ),
        "citizenship": (norm.normalise_country, pl.String, P.NOT_A_COUNTRY, None),
    }
    for column, field in PERPETRATOR_COLUMNS.items():
        values = cell_values(raw, column)
        bad.where(aligned_to(values, counts), column, raw[column], P.PER_PERPETRATOR, {"count": counts})
        if field in parsers:
            fn, dtype, reason, params = parsers[field]
            values, refused = map_values(values, fn, dtype)
            bad.where(refused, column, raw[column], reason, params)
        elif field == "birthdate":
            values = dates(raw, column, bad, today)
        columns[field] = values

    each = each_place(columns, codes.list.len(), broadcast="lives_in_household")
    missing = {
        "lives_in_household": pl.lit(False),
        "roles": pl.lit([], dtype=pl.List(pl.String)),
        "birthdate": pl.lit(None, dtype=pl.Date),
    }
    fields = [pl.col(f).fill_null(missing.get(f, pl.lit(""))) for f in columns]
    each = each.select("i", pl.when(pl.col("j").is_not_null()).then(pl.struct(fields)).alias("p"))
    return lists_per_row(each, "p", PERPETRATOR).alias("perpetrators")


def _roles(value: str) -> list[str] | None:
    """One perpetrator's roles, ',' between them; None when one is not understood."""
    codes, unknown = norm.normalise_codes(codelists.ROLE_IN_PROCESS, value.replace(",", ";"))
    return None if unknown else codes
