"""Case records as columns: the frame the registry's bulk writes take, which exchange's normaliser builds and
its selectors read back. Its columns and struct fields are the records' (so the models') names and types.

One row per case: the case's own values (CASE_SCALARS), its victim's (PersonRecord's fields), a list of codes
per CODE_LISTS attribute, and lists of perpetrators (PERPETRATOR) and events (EVENT) in their order. No Django
here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from typing import get_type_hints

import polars as pl

from amparo.registry.records import (
    CASE_SCALARS,
    CODE_LISTS,
    PLACE_COLUMNS,
    PLACE_PRIORITY,
    CaseRecord,
    EventRecord,
    PerpetratorRecord,
    PersonRecord,
    case_place,
    family_facilitated,
)

_DTYPES = {
    str: pl.String,
    date: pl.Date,
    date | None: pl.Date,
    int | None: pl.Int16,
    bool: pl.Boolean,
    list[str]: pl.List(pl.String),
}


def _schema(record_type: type, names: Iterable[str]) -> dict[str, pl.DataType]:
    hints = get_type_hints(record_type)
    return {name: _DTYPES[hints[name]] for name in names}


PERSON_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PersonRecord))
PERPETRATOR = pl.Struct(
    {
        **_schema(PerpetratorRecord, ("relationship", "lives_in_household", "roles")),
        **_schema(PersonRecord, PERSON_FIELDS),
    }
)
EVENT = pl.Struct(_schema(EventRecord, [f.name for f in fields(EventRecord)]))
CODE_COLUMNS: tuple[str, ...] = tuple(attribute for _field, attribute, _codelist in CODE_LISTS)
CASE: dict[str, pl.DataType] = {
    **_schema(CaseRecord, CASE_SCALARS),
    **_schema(PersonRecord, PERSON_FIELDS),
    **dict.fromkeys(CODE_COLUMNS, pl.List(pl.String)),
    "perpetrators": pl.List(PERPETRATOR),
    "events": pl.List(EVENT),
}


def _person(values: Mapping) -> PersonRecord:
    return PersonRecord(**{name: values[name] for name in PERSON_FIELDS})


def _perpetrator_person(perpetrator: Mapping) -> PersonRecord | None:
    """A perpetrator's person, when anything about them is known (as the case form and the bulk writes decide)."""
    return _person(perpetrator) if any(perpetrator[name] for name in PERSON_FIELDS) else None


def record_of(row: Mapping) -> CaseRecord:
    """The registry record of one row of a case frame."""
    return CaseRecord(
        **{name: row[name] for name in CASE_SCALARS},
        victim=_person(row),
        **{name: list(row[name]) for name in CODE_COLUMNS},
        perpetrators=[
            PerpetratorRecord(p["relationship"], p["lives_in_household"], list(p["roles"]), _perpetrator_person(p))
            for p in row["perpetrators"]
        ],
        events=[EventRecord(**e) for e in row["events"]],
    )


def event_values(event_type: str, field: str) -> pl.Expr:
    """One field of a case's events of one type, in their order: a list per case."""
    events = pl.element().filter(pl.element().struct.field("event_type") == event_type)
    return pl.col("events").list.eval(events.struct.field(field))


def perpetrator_values(field: str) -> pl.Expr:
    """One field of a case's perpetrators, in their order: a list per case."""
    return pl.col("perpetrators").list.eval(pl.element().struct.field(field))


def _places(frame: pl.DataFrame) -> pl.DataFrame:
    """case_place of each row's events, through the one event it picks: of the events in Peru with an ubigeo,
    the lowest PLACE_PRIORITY, then the longest ubigeo, then the first (tests check this against case_place
    on all the events); case_place itself is called once per distinct event it picks."""
    events = frame.select(pl.int_range(pl.len()).alias("i"), "events").explode("events", empty_as_null=False)
    events = events.unnest("events").filter((pl.col("ubigeo") != "") & (pl.col("country") == "PE"))
    ranked = events.with_columns(
        pl.col("event_type").replace_strict(PLACE_PRIORITY, default=len(PLACE_PRIORITY)).alias("rank"),
        (-pl.col("ubigeo").str.len_chars().cast(pl.Int64)).alias("precision"),
    )
    best = ranked.sort("i", "rank", "precision", maintain_order=True).unique("i", keep="first", maintain_order=True)
    keys = best.select("event_type", "ubigeo").unique()
    places = pl.DataFrame(
        [case_place([EventRecord(t, u)]) for t, u in keys.iter_rows()], schema=PLACE_COLUMNS, orient="row"
    )
    best = best.join(keys.hstack(places), on=["event_type", "ubigeo"], how="left").select("i", *PLACE_COLUMNS)
    rows = frame.select(pl.int_range(pl.len()).alias("i"))
    return rows.join(best, on="i", how="left", maintain_order="left").select(
        [pl.col(c).fill_null("") for c in PLACE_COLUMNS]
    )


def family_of_sets(people: pl.DataFrame) -> pl.Series:
    """family_facilitated of each row's perpetrators (lists `relationships` and `households`), called once per
    distinct set of them."""
    families = people.unique()
    families = families.with_columns(
        pl.Series(
            "family_facilitated",
            [
                family_facilitated([PerpetratorRecord(r, h) for r, h in zip(rels, homes)])
                for rels, homes in families.iter_rows()
            ],
            dtype=pl.Boolean,
        )
    )
    return people.join(
        families, on=["relationships", "households"], how="left", maintain_order="left", nulls_equal=True
    )["family_facilitated"]


def derived_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Department, province, district and family-facilitated flag of each row, by the registry's own rules."""
    households = perpetrator_values("lives_in_household").alias("households")
    flags = family_of_sets(frame.select(perpetrator_values("relationship").alias("relationships"), households))
    return _places(frame).with_columns(flags)
