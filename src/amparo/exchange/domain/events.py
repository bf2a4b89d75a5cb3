"""A case file's trafficking events: those of each type's columns, in the order event_order gives, as lists
of registry.frames.EVENT."""

from __future__ import annotations

import polars as pl

from amparo.core import codelists
from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain import problems as P
from amparo.exchange.domain.checks import (
    Collector,
    aligned_to,
    cell_values,
    choices,
    each_place,
    lists_per_row,
    map_distinct,
    map_values,
)
from amparo.exchange.domain.columns import EVENT_ORDER, EVENTS
from amparo.exchange.domain.readers import ROW
from amparo.exchange.domain.schema import EVENT_COLUMNS
from amparo.registry.frames import EVENT


def _event_place(prefix: str, ubigeo: str, department: str, country: str) -> dict:
    """One event's place: its ubigeo and country, or the problem (column, value, reason, ubigeo) that stops it."""
    result = {"ubigeo": "", "country": "", "reason": "", "column": "", "value": "", "ubigeo_given": ubigeo}
    place = norm.normalise_place(ubigeo, "" if ubigeo else department)
    if place is None:
        column = f"{prefix}_ubigeo" if ubigeo else f"{prefix}_department"
        return result | {"reason": P.NOT_A_PLACE, "column": column, "value": ubigeo or department}
    if place and ubigeo and department:
        named = norm.normalise_place("", department)
        if named is None or not (place.startswith(named) or named.startswith(place)):
            return result | {"reason": P.PLACE_MISMATCH, "column": f"{prefix}_department", "value": department}
    code = norm.normalise_country(country)
    if code is None:
        return result | {"reason": P.NOT_A_COUNTRY, "column": f"{prefix}_country", "value": country}
    if place and code not in ("", "PE"):
        return result | {"reason": P.UBIGEO_OUTSIDE_PERU, "column": f"{prefix}_country", "value": country}
    return result | {"ubigeo": place, "country": code or ("PE" if place else "")}


_PLACE = pl.Struct(dict.fromkeys(("ubigeo", "country", "reason", "column", "value", "ubigeo_given"), pl.String))


def events(raw: pl.DataFrame, bad: Collector, dates: dict[str, pl.Series]) -> pl.Series:
    """Each row's events: those of each type's columns, in the order event_order gives or else EVENTS'."""
    # The k-th event of a type is its k-th value in the type's columns (one without a place quarantines the row).
    each = pl.concat(
        [
            _events_of_type(raw, bad, dates[prefix], prefix, event_type)
            .filter(pl.col("e").is_not_null())
            .select(
                "i", "e", pl.lit(event_type).alias("event_type"), pl.lit(rank).alias("rank"), pl.col("j").alias("k")
            )
            for rank, (prefix, event_type) in enumerate(EVENTS)
        ]
    )
    each = each.join(_event_order(raw, bad, each), on=["i", "event_type", "k"], how="left")
    # Every row once (so that it gets a list, empty when it has no event), then its events in their order.
    rows = pl.DataFrame({"i": pl.int_range(raw.height, eager=True, dtype=pl.UInt32)}).with_columns(
        pl.lit(None, dtype=EVENT).alias("e"),
        pl.lit(None, dtype=pl.UInt32).alias("position"),
        pl.lit(-1).alias("rank"),
        pl.lit(0, dtype=pl.UInt32).alias("k"),
    )
    each = pl.concat([rows, each.select(rows.columns)]).sort("i", "position", "rank", "k", nulls_last=True)
    return lists_per_row(each, "e", EVENT).alias("events")


def _events_of_type(raw: pl.DataFrame, bad: Collector, dates: pl.Series, prefix: str, event_type: str) -> pl.DataFrame:
    """(i, j, e): the events of one type of every row i, the j-th value of the type's columns (a null e for
    a row without any), their problems named."""
    lists = {c: cell_values(raw, f"{prefix}_{c}") for c in EVENT_COLUMNS if c != "date"} | {"date": dates}
    lengths = pl.DataFrame({c: values.list.len() for c, values in lists.items()})
    # The places say how many events there are; without any, the dates and descriptions (of events unplaced).
    places = pl.max_horizontal("ubigeo", "department", "country")
    counts = lengths.select(pl.when(places > 0).then(places).otherwise(pl.max_horizontal("date", "description")))[:, 0]
    for c, values in lists.items():
        bad.where(aligned_to(values, counts), f"{prefix}_{c}", raw[f"{prefix}_{c}"], P.PER_EVENT, {"count": counts})
    each = each_place(lists, counts, {ROW: raw[ROW], "n": counts, "cell": raw[f"{prefix}_country"]})
    each = each.with_columns([pl.col(c).fill_null("") for c in lists if c != "date"])
    # A struct, not joined text: a cell may hold any character, a separator included.
    key = each.select(pl.struct("ubigeo", "department", "country").alias("place"))["place"]
    places = map_distinct(key, lambda k: _event_place(prefix, k["ubigeo"], k["department"], k["country"]), _PLACE)
    failed = places.struct.field("reason") != ""
    for row, place in zip(each[ROW].filter(failed).to_list(), places.filter(failed).to_list()):
        params = (("ubigeo", place["ubigeo_given"]),) if place["reason"] == P.PLACE_MISMATCH else ()
        bad.found.append(P.Problem(row, place["column"], place["value"], place["reason"], params))
    each = each.with_columns(
        places.struct.field("ubigeo").alias("ubigeo"),
        places.struct.field("country").alias("country"),
        failed.alias("failed"),
    )
    placed = (pl.col("ubigeo") != "") | (pl.col("country") != "")
    # A date alone, with no place and no other event of the type, is not an event: it is ignored.
    date_alone = (pl.col("n") == 1) & (pl.col("description") == "")
    unplaced = each.filter(pl.col("j").is_not_null() & ~placed & ~date_alone & ~pl.col("failed"))
    for row, cell in unplaced.unique(ROW, maintain_order=True).select(ROW, "cell").iter_rows():
        bad.found.append(P.Problem(row, f"{prefix}_country", cell, P.EVENT_WITHOUT_PLACE))
    event = pl.struct(pl.lit(event_type).alias("event_type"), "ubigeo", "country", "date", "description")
    return each.select("i", "j", pl.when(placed).then(event).alias("e"))


def _event_order(raw: pl.DataFrame, bad: Collector, each: pl.DataFrame) -> pl.DataFrame:
    """(i, event_type, k, position): where a row's event_order puts the k-th event of a type, for the rows that
    give one listing as many events of each type as the row holds (`each`: i, event_type, k)."""
    given = cell_values(raw, EVENT_ORDER)
    types, refused = map_values(
        given, lambda v: norm.normalise_code(codelists.EVENT_TYPE, v) or None, pl.String, empty_ok=False
    )
    bad.where(refused, EVENT_ORDER, raw[EVENT_ORDER], P.NOT_UNDERSTOOD, choices(codelists.EVENT_TYPE))
    rows = (
        pl.DataFrame({"event_type": types, "refused": refused})
        .with_row_index("i")
        .filter((pl.col("event_type").list.len() > 0) & ~pl.col("refused"))
    )
    order = (
        rows.drop("refused")
        .explode("event_type", empty_as_null=False)
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).over("i").alias("position"),
            pl.int_range(pl.len(), dtype=pl.UInt32).over("i", "event_type").alias("k"),
        )
    )
    listed = order.group_by("i", "event_type").len()
    held = each.filter(pl.col("i").is_in(rows["i"].implode())).group_by("i", "event_type").len()
    compared = listed.join(held, on=["i", "event_type"], how="full", coalesce=True)
    differs = compared.filter(pl.col("len").fill_null(0) != pl.col("len_right").fill_null(0))["i"].unique().sort()
    for i in differs.to_list():
        counts = held.filter(pl.col("i") == i).sort("event_type").select("event_type", "len")
        text = ", ".join(f"{n} {t}" for t, n in counts.iter_rows()) or "0"
        bad.found.append(P.Problem(raw[ROW][i], EVENT_ORDER, raw[EVENT_ORDER][i], P.EVENT_ORDER, (("counts", text),)))
    return order
