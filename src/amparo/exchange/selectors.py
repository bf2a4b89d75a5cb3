"""Reads for exchange: registry cases as one typed frame (the shape the importer produces), by SQL."""

from __future__ import annotations

import polars as pl
from django.db import connection

from amparo.core import crypto
from amparo.registry.models import Case, CaseCode, Perpetrator, Person, PersonIdentity, TraffickingEvent

EVENT_PREFIX = {"Exploitation": "exploitation", "Recruitment": "recruitment"}
CODE_COLUMNS = {
    CaseCode.Field.EXPLOITATION: "exploitation_types",
    CaseCode.Field.CONTROL: "control_methods",
    CaseCode.Field.RECRUITMENT: "recruitment_methods",
    CaseCode.Field.SEX_EXPLOITATION: "sex_exploitation_types",
}


def _query(sql: str, params: list, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _case_filter(year: int | None, source_id: int | None) -> tuple[str, list]:
    clauses, params = ["1 = 1"], []
    if year is not None:
        clauses.append("c.registration_date >= %s AND c.registration_date < %s")
        params += [f"{year}-01-01", f"{year + 1}-01-01"]
    if source_id is not None:
        clauses.append("c.source_organisation_id = %s")
        params.append(source_id)
    return " AND ".join(clauses), params


def _opened(value: str) -> str:
    return crypto.open_sealed(value) if value else ""


def cases_frame(*, year: int | None = None, source_id: int | None = None,
                include_identities: bool = False) -> pl.DataFrame:
    """Every case matching the filters, one row each, with its codes, perpetrators and first events."""
    where, params = _case_filter(year, source_id)
    case, person = Case._meta.db_table, Person._meta.db_table
    cases = _query(
        f"SELECT c.id, c.source_record_id, c.registration_date, p.gender, p.citizenship, c.age_when_trafficked,"
        f" c.status, c.trafficking_status, c.trafficking_status_decision_org, c.forced_labour_industry,"
        f" c.organised_network, c.legal_article, c.victim_id"
        f" FROM {case} c JOIN {person} p ON p.id = c.victim_id WHERE {where} ORDER BY c.id",
        params,
        {"case_id": pl.Int64, "source_record_id": pl.String, "registration_date": pl.Date, "gender": pl.String,
         "citizenship": pl.String, "age": pl.Int16, "status": pl.String, "trafficking_status": pl.String,
         "decision_org": pl.String, "forced_labour_industry": pl.String, "organised_network": pl.String,
         "legal_article": pl.String, "victim_id": pl.Int64},
    )
    subset = f"SELECT c.id FROM {case} c WHERE {where}"

    codes = _query(f"SELECT case_id, field, code FROM {CaseCode._meta.db_table} WHERE case_id IN ({subset}) ORDER BY id",
                   params, {"case_id": pl.Int64, "field": pl.String, "code": pl.String})
    for field, column in CODE_COLUMNS.items():
        grouped = codes.filter(pl.col("field") == field).group_by("case_id", maintain_order=True).agg(
            pl.col("code").alias(column))
        cases = cases.join(grouped, on="case_id", how="left")
        cases = cases.with_columns(pl.col(column).fill_null(pl.lit([], dtype=pl.List(pl.String))))

    perpetrators = _query(
        f"SELECT case_id, relationship, lives_in_household FROM {Perpetrator._meta.db_table}"
        f" WHERE case_id IN ({subset}) ORDER BY id", params,
        {"case_id": pl.Int64, "relationship": pl.String, "in_household": pl.Boolean})
    grouped = perpetrators.group_by("case_id", maintain_order=True).agg(
        pl.col("relationship").alias("relationships"), pl.col("in_household").any())
    cases = cases.join(grouped, on="case_id", how="left").with_columns(
        pl.col("relationships").fill_null(pl.lit([], dtype=pl.List(pl.String))), pl.col("in_household").fill_null(False))

    events = _query(
        f"SELECT case_id, event_type, ubigeo, country, date FROM {TraffickingEvent._meta.db_table}"
        f" WHERE case_id IN ({subset}) ORDER BY id", params,
        {"case_id": pl.Int64, "event_type": pl.String, "ubigeo": pl.String, "country": pl.String, "date": pl.Date})
    for event_type, prefix in EVENT_PREFIX.items():
        first = events.filter(pl.col("event_type") == event_type).group_by("case_id", maintain_order=True).first()
        first = first.select(
            "case_id", pl.col("ubigeo").alias(f"{prefix}_ubigeo"), pl.col("country").alias(f"{prefix}_country"),
            pl.col("date").alias(f"{prefix}_date"))
        cases = cases.join(first, on="case_id", how="left").with_columns(
            pl.col(f"{prefix}_ubigeo").fill_null(""), pl.col(f"{prefix}_country").fill_null(""))

    identity_columns = ("first_name", "second_name", "identity_number", "birthdate")
    if include_identities:
        identities = _query(
            f"SELECT person_id, first_name, second_name, identity_number, birthdate FROM {PersonIdentity._meta.db_table}"
            f" WHERE person_id IN (SELECT c.victim_id FROM {case} c WHERE {where})", params,
            {"victim_id": pl.Int64, **{c: pl.String for c in identity_columns}})
        identities = identities.with_columns(
            [pl.col(c).map_elements(_opened, return_dtype=pl.String) for c in identity_columns])
        cases = cases.join(identities, on="victim_id", how="left")
        cases = cases.with_columns([pl.col(c).fill_null("") for c in identity_columns[:3]])
        cases = cases.with_columns(pl.col("birthdate").replace("", None).str.to_date())
    else:
        cases = cases.with_columns([pl.lit("").alias(c) for c in identity_columns[:3]] +
                                   [pl.lit(None, dtype=pl.Date).alias("birthdate")])
    return cases.drop("victim_id")
