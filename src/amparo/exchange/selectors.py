"""Reads for exchange: registry cases as one typed frame (the shape the importer produces), by SQL."""

from __future__ import annotations

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from amparo.core import crypto
from amparo.exchange.domain.cases_frame import EVENT, PERPETRATOR
from amparo.registry.models import Case, CaseCode, Perpetrator, Person, PersonIdentity, TraffickingEvent

IDENTITY_COLUMNS = ("first_name", "second_name", "identity_number", "birthdate")
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


def _case_filter(year: int | None, source_id: int | None, within: QuerySet | None) -> tuple[str, list]:
    clauses, params = ["1 = 1"], []
    if within is not None:
        sql, within_params = within.order_by().values("pk").query.sql_with_params()
        clauses.append(f"c.id IN ({sql})")
        params += list(within_params)
    if year is not None:
        clauses.append("c.registration_date >= %s AND c.registration_date < %s")
        params += [f"{year}-01-01", f"{year + 1}-01-01"]
    if source_id is not None:
        clauses.append("c.source_organisation_id = %s")
        params.append(source_id)
    return " AND ".join(clauses), params


def _opened(value: str) -> str:
    return crypto.open_sealed(value) if value else ""


def _date(column: str) -> pl.Expr:
    """A date stored as text (YYYY-MM-DD or empty)."""
    return pl.col(column).replace("", None).str.to_date()


def cases_frame(*, year: int | None = None, source_id: int | None = None, within: QuerySet | None = None,
                include_identities: bool = False) -> pl.DataFrame:
    """Every case matching the filters (and among `within`, a queryset of cases, when given), one row each,
    with its codes, perpetrators and events (in the order they were stored); identities (the victim's and
    the perpetrators') only when asked for."""
    where, params = _case_filter(year, source_id, within)
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

    identities = _identities(where, params, include_identities)
    victims = identities.rename({"person_id": "victim_id"}).with_columns(_date("birthdate"))
    cases = cases.join(victims, on="victim_id", how="left").with_columns(
        [pl.col(c).fill_null("") for c in IDENTITY_COLUMNS[:3]])
    cases = cases.join(_perpetrators(subset, params, identities), on="case_id", how="left")
    cases = cases.join(_events(subset, params, include_identities), on="case_id", how="left")
    return cases.with_columns(pl.col("perpetrators").fill_null(pl.lit([], dtype=pl.List(PERPETRATOR))),
                              pl.col("events").fill_null(pl.lit([], dtype=pl.List(EVENT)))).drop("victim_id")


def _identities(where: str, params: list, include_identities: bool) -> pl.DataFrame:
    """The opened identities of the cases' victims and perpetrators (person_id and IDENTITY_COLUMNS), or none."""
    schema = {"person_id": pl.Int64, **{c: pl.String for c in IDENTITY_COLUMNS}}
    if not include_identities:
        return pl.DataFrame(schema=schema)
    case = Case._meta.db_table
    identities = _query(
        f"SELECT person_id, first_name, second_name, identity_number, birthdate FROM {PersonIdentity._meta.db_table}"
        f" WHERE person_id IN (SELECT c.victim_id FROM {case} c WHERE {where})"
        f" OR person_id IN (SELECT pe.person_id FROM {Perpetrator._meta.db_table} pe JOIN {case} c"
        f" ON c.id = pe.case_id WHERE {where})", params + params, schema)
    return identities.with_columns([pl.col(c).map_elements(_opened, return_dtype=pl.String) for c in IDENTITY_COLUMNS])


def _perpetrators(subset: str, params: list, identities: pl.DataFrame) -> pl.DataFrame:
    """(case_id, perpetrators): each case's perpetrators in the order they were stored, with their person."""
    roles = Perpetrator._meta.get_field("roles")
    rows = _query(
        f"SELECT pe.case_id, pe.relationship, pe.lives_in_household, pe.roles, pe.person_id, p.gender, p.citizenship"
        f" FROM {Perpetrator._meta.db_table} pe LEFT JOIN {Person._meta.db_table} p ON p.id = pe.person_id"
        f" WHERE pe.case_id IN ({subset}) ORDER BY pe.id", params,
        {"case_id": pl.Int64, "relationship": pl.String, "in_household": pl.Boolean, "roles": pl.String,
         "person_id": pl.Int64, "gender": pl.String, "citizenship": pl.String})
    stored = rows["roles"].unique()
    decoded = pl.DataFrame({"roles": stored, "decoded": pl.Series(
        [roles.from_db_value(v, None, connection) for v in stored.to_list()], dtype=pl.List(pl.String))})
    rows = rows.join(decoded, on="roles", how="left", maintain_order="left").drop("roles").rename({"decoded": "roles"})
    rows = rows.join(identities, on="person_id", how="left", maintain_order="left").with_columns(
        [pl.col(c).fill_null("") for c in ("gender", "citizenship", *IDENTITY_COLUMNS)])
    rows = rows.with_columns(_date("birthdate"))
    return rows.group_by("case_id", maintain_order=True).agg(
        pl.struct([f.name for f in PERPETRATOR.fields]).cast(PERPETRATOR).alias("perpetrators"))


def _events(subset: str, params: list, include_identities: bool) -> pl.DataFrame:
    """(case_id, events): each case's events in the order they were stored. Their descriptions are free text,
    which may name people, so they go only where identities may."""
    description = "description" if include_identities else "'' AS description"
    rows = _query(
        f"SELECT case_id, event_type, ubigeo, country, date, {description} FROM {TraffickingEvent._meta.db_table}"
        f" WHERE case_id IN ({subset}) ORDER BY id", params,
        {"case_id": pl.Int64, "event_type": pl.String, "ubigeo": pl.String, "country": pl.String, "date": pl.Date,
         "description": pl.String})
    if include_identities:
        rows = rows.with_columns(pl.col("description").map_elements(_opened, return_dtype=pl.String))
    return rows.group_by("case_id", maintain_order=True).agg(
        pl.struct([f.name for f in EVENT.fields]).cast(EVENT).alias("events"))
