"""Validate and normalise a whole table of cases at once, column by column.

Each distinct value of a column is normalised once (a million rows hold a few
hundred distinct departments or exploitation types), then joined back. The
result is a typed frame of the rows that can be stored, and the problems of
those that cannot: every input row is in exactly one of the two. A row's
perpetrators and events are lists of structs (PERPETRATOR, EVENT), in their
order; exchange.selectors reads the registry into the same shape.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from amparo.core import codelists
from amparo.exchange.domain import aligned
from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain import problems as P
from amparo.exchange.domain.columns import COLUMN_NAMES, EVENT_ORDER, EVENTS
from amparo.exchange.domain.readers import ROW
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord

SINGLE_CODES = (
    ("prs_Gender", "gender", codelists.GENDER, ""),
    ("cas_Status", "status", codelists.CASE_STATUS, "Active"),
    ("vic_TraffickingStatus", "trafficking_status", codelists.TRAFFICKING_STATUS, "PossibleVictimOfTrafficking"),
    ("vic_TraffickingStatusDecisionMakingOrg", "decision_org", codelists.TRAFFICKING_STATUS_DECISION_ORG, ""),
    ("vic_ForcedLabourIndustry", "forced_labour_industry", codelists.FORCED_LABOUR_INDUSTRY, ""),
    ("organised_network", "organised_network", codelists.ORGANISED_NETWORK, "unknown"),
    ("legal_article", "legal_article", codelists.LEGAL_ARTICLE, ""),
)
MULTI_CODES = (
    ("vic_TypeOfExploitation", "exploitation_types", codelists.EXPLOITATION_TYPE),
    ("vic_TypeOfSexExploitation", "sex_exploitation_types", codelists.SEX_EXPLOITATION_TYPE),
    ("vic_MethodsOfControl", "control_methods", codelists.METHODS_OF_CONTROL),
    ("vic_MethodOfRecruitment", "recruitment_methods", codelists.RECRUITMENT_METHOD),
)
PLAIN_TEXT = (("prs_FirstName", "first_name"), ("prs_SecondName", "second_name"),
              ("prs_IdentityNumber", "identity_number"))
EVENT_COLUMNS = ("ubigeo", "department", "country", "date", "description")  # of each type in EVENTS
PERPETRATOR = pl.Struct({"relationship": pl.String, "in_household": pl.Boolean, "roles": pl.List(pl.String),
                         "gender": pl.String, "citizenship": pl.String, "first_name": pl.String,
                         "second_name": pl.String, "birthdate": pl.Date, "identity_number": pl.String})
EVENT = pl.Struct({"event_type": pl.String, "ubigeo": pl.String, "country": pl.String, "date": pl.Date,
                   "description": pl.String})
PERSON_FIELDS = ("gender", "citizenship", "first_name", "second_name", "birthdate", "identity_number")
# The case file's per-perpetrator columns besides the relationship and household: column -> PERPETRATOR field.
PERPETRATOR_COLUMNS = {
    "per_RoleInProcess": "roles", "perpetrator_prs_Gender": "gender", "perpetrator_prs_Citizenship": "citizenship",
    "perpetrator_prs_FirstName": "first_name", "perpetrator_prs_SecondName": "second_name",
    "perpetrator_prs_Birthdate": "birthdate", "perpetrator_prs_IdentityNumber": "identity_number",
}
NORMALISE_ROWS = 100_000
_FIRST = "__first_row"  # the row where the row's source_record_id first came in the file
_CODES = pl.Struct({"codes": pl.List(pl.String), "unknown": pl.List(pl.String)})


@dataclass
class NormalisedCases:
    frame: pl.DataFrame  # typed columns of the rows that passed, with ROW
    problems: dict[int, list[P.Problem]]  # row number -> its problems, for the rows that did not


def _map_distinct(column: pl.Series, fn: Callable, dtype) -> pl.Series:
    """Apply fn once per distinct value of a column."""
    distinct = column.unique()
    mapped = pl.Series([fn(v) for v in distinct.to_list()], dtype=dtype)
    lookup = pl.DataFrame({"key": distinct, "value": mapped})
    return pl.DataFrame({"key": column}).join(lookup, on="key", how="left", maintain_order="left")["value"]


class _Collector:
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
        per_row = [[(k, str(v)) for v in series.filter(failed).to_list()]
                   for k, series in params.items() if isinstance(series, pl.Series)]
        own = zip(*per_row) if per_row else itertools.repeat(())
        for row, value, varying in zip(self.rows.filter(failed).to_list(), values.filter(failed).to_list(), own):
            self.found.append(P.Problem(row, column, value or "", reason, shared + tuple(varying)))


def _values(raw: pl.DataFrame, column: str) -> pl.Series:
    """The values of an aligned column (domain.aligned), a list per row; no splitting for a column left empty,
    as most of them are in most files."""
    if (raw[column] == "").all():
        return pl.select(pl.repeat(pl.lit([], dtype=pl.List(pl.String)), raw.height).alias(column))[column]
    return aligned.split_cells(raw[column]).alias(column)


def _map_values(lists: pl.Series, fn: Callable, dtype, *, empty_ok: bool = True) -> tuple[pl.Series, pl.Series]:
    """fn of every value of every list, once per distinct value; and whether each row holds a value that fn
    refused (returned None for; an empty value is refused only when not `empty_ok`)."""
    distinct = lists.explode(empty_as_null=True).drop_nulls().unique()
    if distinct.is_empty():
        return lists.cast(pl.List(dtype)), pl.repeat(False, lists.len(), eager=True)
    results = [fn(v) for v in distinct.to_list()]
    refused = [v for v, r in zip(distinct.to_list(), results) if r is None and (v or not empty_ok)]
    wrapped = pl.Series("v", results, dtype=dtype).to_frame().to_struct()  # a list value is not taken for a pattern
    mapped = lists.list.eval(pl.element().replace_strict(distinct, wrapped, return_dtype=wrapped.dtype).struct.field("v"))
    return mapped.cast(pl.List(dtype)), lists.list.eval(pl.element().is_in(refused)).list.any()


def _choices(codelist: codelists.Codelist) -> dict:
    return {"choices": ", ".join(codelist.values)}


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


_PLACE = pl.Struct({k: pl.String for k in ("ubigeo", "country", "reason", "column", "value", "ubigeo_given")})


def normalise_cases(raw: pl.DataFrame, today: date | None = None) -> NormalisedCases:
    """Validate and normalise a frame of Amparo columns (text, missing columns allowed) plus ROW.

    The rows are normalised NORMALISE_ROWS at a time: a million at once held 1.9 GB of intermediate
    columns (every absent column filled, every list column split). Only repeated identifiers need the
    whole file, so the first row of each identifier is found beforehand."""
    today = today or date.today()
    ids = (pl.col("source_record_id").fill_null("").str.strip_chars() if "source_record_id" in raw.columns
           else pl.lit(""))
    raw = raw.with_columns(pl.col(ROW).first().over(ids).alias(_FIRST))
    frames, problems = [], {}
    for part in raw.iter_slices(NORMALISE_ROWS) if raw.height else [raw]:
        frame, found = _normalise_part(part, today)
        frames.append(frame)
        for problem in found:
            problems.setdefault(problem.row, []).append(problem)
    frame = pl.concat(frames)
    if problems:
        frame = frame.filter(~pl.col(ROW).is_in(list(problems)))
    return NormalisedCases(frame, problems)


def _normalise_part(raw: pl.DataFrame, today: date) -> tuple[pl.DataFrame, list[P.Problem]]:
    """The normalised rows of part of a file (with _FIRST, the row where each one's identifier first came),
    problem rows included, and the problems."""
    raw = raw.with_columns([pl.lit("").alias(c) for c in COLUMN_NAMES if c not in raw.columns])
    raw = raw.with_columns([pl.col(c).fill_null("").str.strip_chars() for c in COLUMN_NAMES])
    out = {ROW: raw[ROW]}
    bad = _Collector(raw[ROW])

    for name in ("source_record_id", "registration_date"):
        bad.where(raw[name] == "", name, raw[name], P.MISSING)
    out["source_record_id"] = raw["source_record_id"]
    first_row = raw[_FIRST]
    duplicate = (first_row != raw[ROW]) & (raw["source_record_id"] != "")
    if duplicate.any():
        for row, value, first in zip(raw[ROW].filter(duplicate).to_list(),
                                     raw["source_record_id"].filter(duplicate).to_list(),
                                     first_row.filter(duplicate).to_list()):
            bad.found.append(P.Problem(row, "source_record_id", value, P.DUPLICATE_ID, (("first_row", str(first)),)))

    for name, target in (("registration_date", "registration_date"), ("prs_Birthdate", "birthdate")):
        parsed = _map_distinct(raw[name], norm.parse_date, pl.Date)
        given = raw[name] != ""
        bad.where(given & parsed.is_null(), name, raw[name], P.NOT_A_DATE)
        bad.where(parsed.is_not_null() & (parsed > today), name, raw[name], P.FUTURE_DATE)
        out[target] = parsed
    event_dates = {prefix: _dates(raw, f"{prefix}_date", bad, today) for prefix, _type in EVENTS}
    too_old = out["birthdate"].is_not_null() & (out["birthdate"].dt.year() < today.year - 120)
    bad.where(too_old, "prs_Birthdate", raw["prs_Birthdate"], P.NOT_A_DATE)

    age = _map_distinct(raw["age"], norm.parse_age, pl.Int16)
    bad.where((raw["age"] != "") & age.is_null(), "age", raw["age"], P.NOT_AN_AGE)
    out["age"] = age

    citizenship = _map_distinct(raw["prs_Citizenship"], norm.normalise_country, pl.String)
    bad.where(citizenship.is_null(), "prs_Citizenship", raw["prs_Citizenship"], P.NOT_A_COUNTRY)
    out["citizenship"] = citizenship.fill_null("")

    for name, target in PLAIN_TEXT:
        out[target] = raw[name]

    for name, target, codelist, default in SINGLE_CODES:
        codes = _map_distinct(raw[name], lambda v, cl=codelist: norm.normalise_code(cl, v), pl.String)
        bad.where(codes.is_null(), name, raw[name], P.NOT_UNDERSTOOD, _choices(codelist))
        out[target] = codes.fill_null("").replace("", default) if default else codes.fill_null("")

    for name, target, codelist in MULTI_CODES:
        parsed = _map_distinct(raw[name], lambda v, cl=codelist: norm.normalise_codes(cl, v),
                               pl.Struct({"codes": pl.List(pl.String), "unknown": pl.List(pl.String)}))
        unknown = parsed.struct.field("unknown")
        bad.where(unknown.list.len() > 0, name, unknown.list.join(";"), P.NOT_UNDERSTOOD, _choices(codelist))
        out[target] = parsed.struct.field("codes")

    out["perpetrators"] = _perpetrators(raw, bad, today)
    out["events"] = _events(raw, bad, event_dates)

    return pl.DataFrame(out), bad.found


def _dates(raw: pl.DataFrame, column: str, bad: _Collector, today: date) -> pl.Series:
    """The dates of an aligned date column, a list per row (null where a value is empty)."""
    dates, refused = _map_values(_values(raw, column), norm.parse_date, pl.Date)
    bad.where(refused, column, raw[column], P.NOT_A_DATE)
    bad.where(dates.list.eval(pl.element() > today).list.any(), column, raw[column], P.FUTURE_DATE)
    return dates


def _aligned_to(lists: pl.Series, counts: pl.Series) -> pl.Series:
    """Rows whose list holds values, but not `counts` of them."""
    return (lists.list.len() > 0) & (lists.list.len() != counts)


def _perpetrators(raw: pl.DataFrame, bad: _Collector, today: date) -> pl.Series:
    """Each row's perpetrators, one per relationship, with the values of the per-perpetrator columns in the
    same places. recruiter_in_household may also hold one value for all of them, as it always could."""
    relationships = _map_distinct(raw["recruiter_relationship"], norm.normalise_relationships, _CODES)
    unknown = relationships.struct.field("unknown")
    bad.where(unknown.list.len() > 0, "recruiter_relationship", unknown.list.join(";"), P.NOT_UNDERSTOOD,
              _choices(codelists.RECRUITER_RELATIONSHIP))
    codes = relationships.struct.field("codes")
    counts = codes.list.len() + unknown.list.len()

    households = _values(raw, "recruiter_in_household")
    bad.where(_aligned_to(households, counts) & (households.list.len() > 1), "recruiter_in_household",
              raw["recruiter_in_household"], P.HOUSEHOLD_PER_PERPETRATOR, {"count": counts})
    flags, refused = _map_values(households, norm.parse_yes_no, pl.Boolean)
    bad.where(refused, "recruiter_in_household", raw["recruiter_in_household"], P.NOT_UNDERSTOOD,
              {"choices": "yes, no"})
    columns = {"relationship": codes, "in_household": flags.list.eval(pl.element().fill_null(False))}

    parsers = {
        "roles": (_roles, pl.List(pl.String), P.NOT_UNDERSTOOD, _choices(codelists.ROLE_IN_PROCESS)),
        "gender": (lambda v: norm.normalise_code(codelists.GENDER, v), pl.String, P.NOT_UNDERSTOOD,
                   _choices(codelists.GENDER)),
        "citizenship": (norm.normalise_country, pl.String, P.NOT_A_COUNTRY, None),
    }
    for column, field in PERPETRATOR_COLUMNS.items():
        values = _values(raw, column)
        bad.where(_aligned_to(values, counts), column, raw[column], P.PER_PERPETRATOR, {"count": counts})
        if field in parsers:
            fn, dtype, reason, params = parsers[field]
            values, refused = _map_values(values, fn, dtype)
            bad.where(refused, column, raw[column], reason, params)
        elif field == "birthdate":
            values = _dates(raw, column, bad, today)
            too_old = values.list.eval(pl.element().dt.year() < today.year - 120).list.any()
            bad.where(too_old, column, raw[column], P.NOT_A_DATE)
        columns[field] = values

    each = _each_place(columns, codes.list.len(), broadcast="in_household")
    missing = {"in_household": pl.lit(False), "roles": pl.lit([], dtype=pl.List(pl.String)),
               "birthdate": pl.lit(None, dtype=pl.Date)}
    fields = [pl.col(f).fill_null(missing.get(f, pl.lit(""))) for f in columns]
    each = each.select("i", pl.when(pl.col("j").is_not_null()).then(pl.struct(fields)).alias("p"))
    return _lists_per_row(each, "p", PERPETRATOR).alias("perpetrators")


def _each_place(lists: dict[str, pl.Series], counts: pl.Series, extra: dict[str, pl.Series] | None = None,
                broadcast: str = "") -> pl.DataFrame:
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

    parts = [wide.filter(pl.col("n") == 0).select(
        "i", pl.lit(None, dtype=pl.UInt32).alias("j"), *[pl.lit(None, dtype=lists[c].dtype.inner).alias(c) for c in lists],
        *extra)]
    for j in range(counts.max() or 0):
        wide = wide.filter(pl.col("n") > j)
        parts.append(wide.select("i", pl.lit(j, dtype=pl.UInt32).alias("j"), *[value(c, j) for c in lists], *extra))
    return pl.concat(parts).sort("i", "j", nulls_last=False)


def _roles(value: str) -> list[str] | None:
    """One perpetrator's roles, ',' between them; None when one is not understood."""
    codes, unknown = norm.normalise_codes(codelists.ROLE_IN_PROCESS, value.replace(",", ";"))
    return None if unknown else codes


def _lists_per_row(each: pl.DataFrame, column: str, dtype) -> pl.Series:
    """The values of `column` gathered into one list per row: `each` holds every row `i` in order, with a null
    value for a row that has none."""
    lists = each.with_columns(pl.col("i").set_sorted()).group_by("i", maintain_order=True).agg(
        pl.col(column).drop_nulls())[column]
    return lists.cast(pl.List(dtype))


def _events(raw: pl.DataFrame, bad: _Collector, dates: dict[str, pl.Series]) -> pl.Series:
    """Each row's events: those of each type's columns, in the order event_order gives or else EVENTS'."""
    # The k-th event of a type is its k-th value in the type's columns (one without a place quarantines the row).
    each = pl.concat([
        _events_of_type(raw, bad, dates[prefix], prefix, event_type).filter(pl.col("e").is_not_null()).select(
            "i", "e", pl.lit(event_type).alias("event_type"), pl.lit(rank).alias("rank"), pl.col("j").alias("k"))
        for rank, (prefix, event_type) in enumerate(EVENTS)])
    each = each.join(_event_order(raw, bad, each), on=["i", "event_type", "k"], how="left")
    # Every row once (so that it gets a list, empty when it has no event), then its events in their order.
    rows = pl.DataFrame({"i": pl.int_range(raw.height, eager=True, dtype=pl.UInt32)}).with_columns(
        pl.lit(None, dtype=EVENT).alias("e"), pl.lit(None, dtype=pl.UInt32).alias("position"), pl.lit(-1).alias("rank"),
        pl.lit(0, dtype=pl.UInt32).alias("k"))
    each = pl.concat([rows, each.select(rows.columns)]).sort("i", "position", "rank", "k", nulls_last=True)
    return _lists_per_row(each, "e", EVENT).alias("events")


def _events_of_type(raw: pl.DataFrame, bad: _Collector, dates: pl.Series, prefix: str, event_type: str) -> pl.DataFrame:
    """(i, j, e): the events of one type of every row i, the j-th value of the type's columns (a null e for
    a row without any), their problems named."""
    lists = {c: _values(raw, f"{prefix}_{c}") for c in EVENT_COLUMNS if c != "date"} | {"date": dates}
    lengths = pl.DataFrame({c: values.list.len() for c, values in lists.items()})
    # The places say how many events there are; without any, the dates and descriptions (of events unplaced).
    places = pl.max_horizontal("ubigeo", "department", "country")
    counts = lengths.select(pl.when(places > 0).then(places).otherwise(pl.max_horizontal("date", "description")))[:, 0]
    for c, values in lists.items():
        bad.where(_aligned_to(values, counts), f"{prefix}_{c}", raw[f"{prefix}_{c}"], P.PER_EVENT, {"count": counts})
    each = _each_place(lists, counts, {ROW: raw[ROW], "n": counts, "cell": raw[f"{prefix}_country"]})
    each = each.with_columns([pl.col(c).fill_null("") for c in lists if c != "date"])
    key = each.select(pl.concat_str(["ubigeo", "department", "country"], separator="\x1f"))["ubigeo"]
    places = _map_distinct(key, lambda k: _event_place(prefix, *k.split("\x1f")), _PLACE)
    failed = places.struct.field("reason") != ""
    for row, place in zip(each[ROW].filter(failed).to_list(), places.filter(failed).to_list()):
        params = (("ubigeo", place["ubigeo_given"]),) if place["reason"] == P.PLACE_MISMATCH else ()
        bad.found.append(P.Problem(row, place["column"], place["value"], place["reason"], params))
    each = each.with_columns(places.struct.field("ubigeo").alias("ubigeo"), places.struct.field("country").alias("country"),
                             failed.alias("failed"))
    placed = (pl.col("ubigeo") != "") | (pl.col("country") != "")
    # A date alone, with no place and no other event of the type, was never an event: it stays ignored.
    date_alone = (pl.col("n") == 1) & (pl.col("description") == "")
    unplaced = each.filter(pl.col("j").is_not_null() & ~placed & ~date_alone & ~pl.col("failed"))
    for row, cell in unplaced.unique(ROW, maintain_order=True).select(ROW, "cell").iter_rows():
        bad.found.append(P.Problem(row, f"{prefix}_country", cell, P.EVENT_WITHOUT_PLACE))
    event = pl.struct(pl.lit(event_type).alias("event_type"), "ubigeo", "country", "date", "description")
    return each.select("i", "j", pl.when(placed).then(event).alias("e"))


def _event_order(raw: pl.DataFrame, bad: _Collector, each: pl.DataFrame) -> pl.DataFrame:
    """(i, event_type, k, position): where a row's event_order puts the k-th event of a type, for the rows that
    give one listing as many events of each type as the row holds (`each`: i, event_type, k)."""
    given = _values(raw, EVENT_ORDER)
    types, refused = _map_values(given, lambda v: norm.normalise_code(codelists.EVENT_TYPE, v) or None, pl.String,
                                 empty_ok=False)
    bad.where(refused, EVENT_ORDER, raw[EVENT_ORDER], P.NOT_UNDERSTOOD, _choices(codelists.EVENT_TYPE))
    rows = pl.DataFrame({"event_type": types, "refused": refused}).with_row_index("i").filter(
        (pl.col("event_type").list.len() > 0) & ~pl.col("refused"))
    order = rows.drop("refused").explode("event_type", empty_as_null=False).with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt32).over("i").alias("position"),
        pl.int_range(pl.len(), dtype=pl.UInt32).over("i", "event_type").alias("k"))
    listed = order.group_by("i", "event_type").len()
    held = each.filter(pl.col("i").is_in(rows["i"].implode())).group_by("i", "event_type").len()
    compared = listed.join(held, on=["i", "event_type"], how="full", coalesce=True)
    differs = compared.filter(pl.col("len").fill_null(0) != pl.col("len_right").fill_null(0))["i"].unique().sort()
    for i in differs.to_list():
        counts = held.filter(pl.col("i") == i).sort("event_type").select("event_type", "len")
        text = ", ".join(f"{n} {t}" for t, n in counts.iter_rows()) or "0"
        bad.found.append(P.Problem(raw[ROW][i], EVENT_ORDER, raw[EVENT_ORDER][i], P.EVENT_ORDER, (("counts", text),)))
    return order


def _person_of(perpetrator: dict) -> PersonRecord | None:
    """A perpetrator's person, when anything about them is known (as the case form and the bulk path decide)."""
    if not any(perpetrator[f] for f in PERSON_FIELDS):
        return None
    return PersonRecord(**{f: perpetrator[f] for f in PERSON_FIELDS})


def event_values(event_type: str, field: str) -> pl.Expr:
    """One field of a case's events of one type, in their order: a list per case."""
    events = pl.element().filter(pl.element().struct.field("event_type") == event_type)
    return pl.col("events").list.eval(events.struct.field(field))


def perpetrator_values(field: str) -> pl.Expr:
    """One field of a case's perpetrators, in their order: a list per case."""
    return pl.col("perpetrators").list.eval(pl.element().struct.field(field))


# The columns a row had before its perpetrators and events were lists, in their order then.
_EARLIER_COLUMNS = ("source_record_id", "registration_date", "birthdate", "exploitation_date", "recruitment_date",
                    "age", "citizenship", "first_name", "second_name", "identity_number", "gender", "status",
                    "trafficking_status", "decision_org", "forced_labour_industry", "organised_network",
                    "legal_article", "exploitation_types", "sex_exploitation_types", "control_methods",
                    "recruitment_methods", "relationships", "in_household", "exploitation_ubigeo",
                    "exploitation_country", "recruitment_ubigeo", "recruitment_country")


def fingerprint_text(frame: pl.DataFrame) -> pl.Series:
    """Each normalised row's values as JSON, the text its fingerprint is taken of (equal texts: nothing changed).

    A row that the earlier shape (one exploitation and one recruitment event, perpetrators as relationships and
    one household flag) still holds whole is written in that shape, so that a file imported before keeps its
    fingerprints and reads as unchanged, instead of rewriting each of its cases once.
    """
    def first(event_type: str, field: str, name: str) -> pl.Expr:
        return event_values(event_type, field).list.first().alias(name)

    events = pl.col("events")
    types = events.list.eval(pl.element().struct.field("event_type"))
    of_type = {t: types.list.eval(pl.element() == t).list.sum() for _prefix, t in EVENTS}
    person_known = [perpetrator_values(f).list.eval(pl.element().is_not_null() & (pl.element().cast(pl.String) != ""))
                    .list.any() for f in PERSON_FIELDS]
    earlier = ((of_type["Exploitation"] <= 1) & (of_type["Recruitment"] <= 1) & (of_type["Transit"] == 0)
               & ~((types.list.len() == 2) & (types.list.first() == "Recruitment"))
               & ~events.list.eval(pl.element().struct.field("description") != "").list.any()
               & ~perpetrator_values("roles").list.eval(pl.element().list.len() > 0).list.any()
               & ~pl.any_horizontal(person_known) & (perpetrator_values("in_household").list.n_unique() <= 1))
    derived = {
        "exploitation_date": first("Exploitation", "date", "exploitation_date"),
        "recruitment_date": first("Recruitment", "date", "recruitment_date"),
        "relationships": perpetrator_values("relationship").alias("relationships"),
        "in_household": perpetrator_values("in_household").list.any().alias("in_household"),
        **{f"{prefix}_{field}": first(event_type, field, f"{prefix}_{field}").fill_null("")
           for prefix, event_type in EVENTS[:2] for field in ("ubigeo", "country")},
    }
    earlier_text = pl.struct([derived.get(c, pl.col(c)) for c in _EARLIER_COLUMNS]).struct.json_encode()
    text = pl.struct(pl.exclude(ROW)).struct.json_encode()
    shape = frame.select(earlier)[:, 0]
    if shape.all():  # the texts of a large file are written once, in the one shape its rows need
        return frame.select(earlier_text)[:, 0]
    return frame.select(pl.when(earlier).then(earlier_text).otherwise(text) if shape.any() else text)[:, 0]


def record_of(row: dict) -> CaseRecord:
    """The registry record of one normalised row."""
    return CaseRecord(
        source_record_id=row["source_record_id"],
        registration_date=row["registration_date"],
        victim=PersonRecord(gender=row["gender"], citizenship=row["citizenship"], first_name=row["first_name"],
                            second_name=row["second_name"], birthdate=row["birthdate"],
                            identity_number=row["identity_number"]),
        status=row["status"],
        trafficking_status=row["trafficking_status"],
        trafficking_status_decision_org=row["decision_org"],
        forced_labour_industry=row["forced_labour_industry"],
        age_when_trafficked=row["age"],
        organised_network=row["organised_network"],
        legal_article=row["legal_article"],
        exploitation_types=list(row["exploitation_types"]),
        control_methods=list(row["control_methods"]),
        recruitment_methods=list(row["recruitment_methods"]),
        sex_exploitation_types=list(row["sex_exploitation_types"]),
        perpetrators=[PerpetratorRecord(p["relationship"], p["in_household"], list(p["roles"]), _person_of(p))
                      for p in row["perpetrators"]],
        events=[EventRecord(e["event_type"], e["ubigeo"], e["country"], e["date"], e["description"])
                for e in row["events"]],
    )
