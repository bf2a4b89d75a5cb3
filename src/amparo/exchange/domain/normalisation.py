"""Validate and normalise a whole table of cases at once, column by column.

Each distinct value of a column is normalised once (a million rows hold a few
hundred distinct departments or exploitation types), then joined back. The
result is a case frame (registry.frames) of the rows that can be stored, and
the problems of those that cannot: every input row is in exactly one of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain import problems as P
from amparo.exchange.domain.checks import CODES, Collector, choices, date_bounds, dates, map_distinct
from amparo.exchange.domain.columns import COLUMN_NAMES, EVENTS
from amparo.exchange.domain.events import events
from amparo.exchange.domain.perpetrators import perpetrators
from amparo.exchange.domain.readers import ROW
from amparo.exchange.domain.schema import AGE, DATES, DEFAULTS, MULTI_CODES, PLAIN_TEXT, SINGLE_CODES
from amparo.registry.frames import CASE
from amparo.registry.records import EARLIEST_REGISTRATION, SOURCE_RECORD_ID_LENGTH, earliest_life_date

NORMALISE_ROWS = 100_000
_FIRST = "__first_row"  # the row where the row's source_record_id first came in the file


@dataclass
class NormalisedCases:
    frame: pl.DataFrame  # the rows that passed: ROW and the columns of registry.frames.CASE
    problems: dict[int, list[P.Problem]]  # row number -> its problems, for the rows that did not


def normalise_cases(raw: pl.DataFrame, *, today: date) -> NormalisedCases:
    """Validate and normalise a frame of Amparo columns (text, missing columns allowed) plus ROW.

    The rows are normalised NORMALISE_ROWS at a time: at once, a large file would hold every absent
    column filled and every list column split in memory together. Only repeated identifiers need the
    whole file, so the first row of each identifier is found beforehand."""
    ids = (
        pl.col("source_record_id").fill_null("").str.strip_chars() if "source_record_id" in raw.columns else pl.lit("")
    )
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
    bad = Collector(raw[ROW])

    for name in ("source_record_id", "registration_date"):
        bad.where(raw[name] == "", name, raw[name], P.MISSING)
    too_long = raw["source_record_id"].str.len_chars() > SOURCE_RECORD_ID_LENGTH
    bad.where(too_long, "source_record_id", raw["source_record_id"], P.TOO_LONG, {"length": SOURCE_RECORD_ID_LENGTH})
    out["source_record_id"] = raw["source_record_id"]
    first_row = raw[_FIRST]
    duplicate = (first_row != raw[ROW]) & (raw["source_record_id"] != "")
    if duplicate.any():
        for row, value, first in zip(
            raw[ROW].filter(duplicate).to_list(),
            raw["source_record_id"].filter(duplicate).to_list(),
            first_row.filter(duplicate).to_list(),
        ):
            bad.found.append(P.Problem(row, "source_record_id", value, P.DUPLICATE_ID, (("first_row", str(first)),)))

    earliest = {"registration_date": EARLIEST_REGISTRATION, "birthdate": earliest_life_date(today)}
    for name, target in DATES:
        parsed = map_distinct(raw[name], norm.parse_date, pl.Date)
        given = raw[name] != ""
        bad.where(given & parsed.is_null(), name, raw[name], P.NOT_A_DATE)
        date_bounds(parsed, name, raw[name], bad, today, earliest[target])
        out[target] = parsed
    event_dates = {prefix: dates(raw, f"{prefix}_date", bad, today) for prefix, _type in EVENTS}

    name, target = AGE
    age = map_distinct(raw[name], norm.parse_age, CASE[target])
    bad.where((raw[name] != "") & age.is_null(), name, raw[name], P.NOT_AN_AGE)
    out[target] = age

    citizenship = map_distinct(raw["prs_Citizenship"], norm.normalise_country, pl.String)
    bad.where(citizenship.is_null(), "prs_Citizenship", raw["prs_Citizenship"], P.NOT_A_COUNTRY)
    out["citizenship"] = citizenship.fill_null("")

    for name, target in PLAIN_TEXT:
        out[target] = raw[name]

    for name, target, codelist in SINGLE_CODES:
        codes = map_distinct(raw[name], lambda v, cl=codelist: norm.normalise_code(cl, v), pl.String)
        bad.where(codes.is_null(), name, raw[name], P.NOT_UNDERSTOOD, choices(codelist))
        default = DEFAULTS[target]
        out[target] = codes.fill_null("").replace("", default) if default else codes.fill_null("")

    for name, target, codelist in MULTI_CODES:
        parsed = map_distinct(raw[name], lambda v, cl=codelist: norm.normalise_codes(cl, v), CODES)
        unknown = parsed.struct.field("unknown")
        bad.where(unknown.list.len() > 0, name, unknown.list.join(";"), P.NOT_UNDERSTOOD, choices(codelist))
        out[target] = parsed.struct.field("codes")

    out["perpetrators"] = perpetrators(raw, bad, today)
    out["events"] = events(raw, bad, event_dates)

    return pl.DataFrame(out).select(ROW, *CASE), bad.found
