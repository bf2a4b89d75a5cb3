"""Validate and normalise a whole table of cases at once, column by column.

Each distinct value of a column is normalised once (a million rows hold a few
hundred distinct departments or exploitation types), then joined back. The
result is a typed frame of the rows that can be stored, and the problems of
those that cannot: every input row is in exactly one of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from amparo.core import codelists
from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain import problems as P
from amparo.exchange.domain.columns import COLUMN_NAMES
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
EVENTS = (("exploitation", "Exploitation"), ("recruitment", "Recruitment"))


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
        if not failed.any():
            return
        frozen = tuple((k, str(v)) for k, v in (params or {}).items())
        for row, value in zip(self.rows.filter(failed).to_list(), values.filter(failed).to_list()):
            self.found.append(P.Problem(row, column, value or "", reason, frozen))


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
    """Validate and normalise a frame of Amparo columns (text, missing columns allowed) plus ROW."""
    today = today or date.today()
    raw = raw.with_columns([pl.lit("").alias(c) for c in COLUMN_NAMES if c not in raw.columns])
    raw = raw.with_columns([pl.col(c).fill_null("").str.strip_chars() for c in COLUMN_NAMES])
    out = {ROW: raw[ROW]}
    bad = _Collector(raw[ROW])

    for name in ("source_record_id", "registration_date"):
        bad.where(raw[name] == "", name, raw[name], P.MISSING)
    out["source_record_id"] = raw["source_record_id"]
    first_row = raw.select(pl.col(ROW).first().over("source_record_id"))[ROW]
    duplicate = (first_row != raw[ROW]) & (raw["source_record_id"] != "")
    if duplicate.any():
        for row, value, first in zip(raw[ROW].filter(duplicate).to_list(),
                                     raw["source_record_id"].filter(duplicate).to_list(),
                                     first_row.filter(duplicate).to_list()):
            bad.found.append(P.Problem(row, "source_record_id", value, P.DUPLICATE_ID, (("first_row", str(first)),)))

    for name, target, required in (("registration_date", "registration_date", True),
                                   ("prs_Birthdate", "birthdate", False),
                                   ("exploitation_date", "exploitation_date", False),
                                   ("recruitment_date", "recruitment_date", False)):
        parsed = _map_distinct(raw[name], norm.parse_date, pl.Date)
        given = raw[name] != ""
        bad.where(given & parsed.is_null(), name, raw[name], P.NOT_A_DATE)
        bad.where(parsed.is_not_null() & (parsed > today), name, raw[name], P.FUTURE_DATE)
        out[target] = parsed
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

    relationships = _map_distinct(raw["recruiter_relationship"], lambda v: norm.normalise_relationships(v),
                                  pl.Struct({"codes": pl.List(pl.String), "unknown": pl.List(pl.String)}))
    unknown = relationships.struct.field("unknown")
    bad.where(unknown.list.len() > 0, "recruiter_relationship", unknown.list.join(";"), P.NOT_UNDERSTOOD,
              _choices(codelists.RECRUITER_RELATIONSHIP))
    out["relationships"] = relationships.struct.field("codes")
    household = _map_distinct(raw["recruiter_in_household"], norm.parse_yes_no, pl.Boolean)
    bad.where((raw["recruiter_in_household"] != "") & household.is_null(), "recruiter_in_household",
              raw["recruiter_in_household"], P.NOT_UNDERSTOOD, {"choices": "yes, no"})
    out["in_household"] = household.fill_null(False)

    for prefix, _event_type in EVENTS:
        key = raw.select(pl.concat_str([f"{prefix}_ubigeo", f"{prefix}_department", f"{prefix}_country"],
                                       separator="\x1f"))[f"{prefix}_ubigeo"]
        places = _map_distinct(key, lambda k, p=prefix: _event_place(p, *k.split("\x1f")), _PLACE)
        failed = places.struct.field("reason") != ""
        for row, place in zip(raw[ROW].filter(failed).to_list(), places.filter(failed).to_list()):
            params = (("ubigeo", place["ubigeo_given"]),) if place["reason"] == P.PLACE_MISMATCH else ()
            bad.found.append(P.Problem(row, place["column"], place["value"], place["reason"], params))
        out[f"{prefix}_ubigeo"] = places.struct.field("ubigeo")
        out[f"{prefix}_country"] = places.struct.field("country")

    frame = pl.DataFrame(out)
    problems: dict[int, list[P.Problem]] = {}
    for problem in bad.found:
        problems.setdefault(problem.row, []).append(problem)
    if problems:
        frame = frame.filter(~pl.col(ROW).is_in(list(problems)))
    return NormalisedCases(frame, problems)


def record_of(row: dict) -> CaseRecord:
    """The registry record of one normalised row."""
    events = []
    for prefix, event_type in EVENTS:
        if row[f"{prefix}_ubigeo"] or row[f"{prefix}_country"]:
            events.append(EventRecord(event_type, row[f"{prefix}_ubigeo"], row[f"{prefix}_country"] or "PE",
                                      row[f"{prefix}_date"]))
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
        perpetrators=[PerpetratorRecord(r, row["in_household"]) for r in row["relationships"]],
        events=events,
    )
