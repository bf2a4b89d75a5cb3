"""Reads for exchange: registry cases as one case frame (registry.frames, as the importer produces), by SQL.

Each query is read through core.sql_frames (no Python object per value: a million cases took 25 s and
3.6 GB fetched as rows), then put back in the order the rows were stored."""

from __future__ import annotations

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from amparo.core import crypto
from amparo.core.sql_frames import read_frame
from amparo.exchange.models import ImportBatch
from amparo.registry.frames import CASE, EVENT, PERPETRATOR
from amparo.registry.models import Case, CaseCode, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.records import CASE_SCALARS, CODE_LISTS

IDENTITY_COLUMNS = ("first_name", "second_name", "identity_number", "birthdate")


STORED_ORDER = "stored_order"  # a row's id, read only to put the rows back in the order they were stored


def _query(sql: str, params: list, schema: dict) -> pl.DataFrame:
    """The rows of `sql`, read in parts by its first column: in the order they were stored when the schema
    has STORED_ORDER (which is then dropped), else by that first column."""
    key = next(iter(schema))
    frame = read_frame(sql, params, schema, part_by=key)
    return frame.sort(STORED_ORDER).drop(STORED_ORDER) if STORED_ORDER in schema else frame.sort(key)


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


def cases_frame(
    *,
    year: int | None = None,
    source_id: int | None = None,
    within: QuerySet | None = None,
    include_identities: bool = False,
) -> pl.DataFrame:
    """Every case matching the filters (and among `within`, a queryset of cases, when given), one row each,
    with its codes, perpetrators and events (in the order they were stored); identities (the victim's and
    the perpetrators') only when asked for."""
    where, params = _case_filter(year, source_id, within)
    case, person = Case._meta.db_table, Person._meta.db_table
    scalars = ", ".join(f"c.{Case._meta.get_field(name).column}" for name in CASE_SCALARS)
    cases = _query(
        f"SELECT c.id, {scalars}, p.gender, p.citizenship, c.victim_id"
        f" FROM {case} c JOIN {person} p ON p.id = c.victim_id WHERE {where}",
        params,
        {
            "case_id": pl.Int64,
            **{name: CASE[name] for name in (*CASE_SCALARS, "gender", "citizenship")},
            "victim_id": pl.Int64,
        },
    )
    # The cases' rows of each table are read by joining the filtered cases (an IN list of them was built
    # again for every part read).
    of_cases = f"JOIN {case} c ON c.id = x.case_id WHERE {where}"

    codes = _query(
        f"SELECT x.case_id, x.id, x.field, x.code FROM {CaseCode._meta.db_table} x {of_cases}",
        params,
        {"case_id": pl.Int64, STORED_ORDER: pl.Int64, "field": pl.String, "code": pl.String},
    )
    for field, column, _codelist in CODE_LISTS:
        grouped = (
            codes.filter(pl.col("field") == field)
            .group_by("case_id", maintain_order=True)
            .agg(pl.col("code").alias(column))
        )
        cases = cases.join(grouped, on="case_id", how="left")
        cases = cases.with_columns(pl.col(column).fill_null(pl.lit([], dtype=pl.List(pl.String))))

    identities = _identities(where, params, include_identities)
    victims = identities.rename({"person_id": "victim_id"}).with_columns(_date("birthdate"))
    cases = cases.join(victims, on="victim_id", how="left").with_columns(
        [pl.col(c).fill_null("") for c in IDENTITY_COLUMNS[:3]]
    )
    cases = cases.join(_perpetrators(of_cases, params, identities), on="case_id", how="left")
    cases = cases.join(_events(of_cases, params, include_identities), on="case_id", how="left")
    return cases.with_columns(
        pl.col("perpetrators").fill_null(pl.lit([], dtype=pl.List(PERPETRATOR))),
        pl.col("events").fill_null(pl.lit([], dtype=pl.List(EVENT))),
    ).select("case_id", *CASE)


def _identities(where: str, params: list, include_identities: bool) -> pl.DataFrame:
    """The opened identities of the cases' victims and perpetrators (person_id and IDENTITY_COLUMNS), or none."""
    schema = {"person_id": pl.Int64, **dict.fromkeys(IDENTITY_COLUMNS, pl.String)}
    if not include_identities:
        return pl.DataFrame(schema=schema)
    case = Case._meta.db_table
    columns = "i.person_id, i.first_name, i.second_name, i.identity_number, i.birthdate"
    identity = PersonIdentity._meta.db_table
    identities = _query(
        f"SELECT {columns} FROM {identity} i JOIN {case} c ON c.victim_id = i.person_id WHERE {where}"
        f" UNION SELECT {columns} FROM {identity} i JOIN {Perpetrator._meta.db_table} pe ON pe.person_id = i.person_id"
        f" JOIN {case} c ON c.id = pe.case_id WHERE {where}",
        params + params,
        schema,
    )
    return identities.with_columns([pl.col(c).map_elements(_opened, return_dtype=pl.String) for c in IDENTITY_COLUMNS])


def _perpetrators(of_cases: str, params: list, identities: pl.DataFrame) -> pl.DataFrame:
    """(case_id, perpetrators): each case's perpetrators in the order they were stored, with their person."""
    roles = Perpetrator._meta.get_field("roles")
    rows = _query(
        f"SELECT x.case_id, x.id, x.relationship, x.lives_in_household, CAST(x.roles AS TEXT), x.person_id,"
        f" p.gender, p.citizenship"
        f" FROM {Perpetrator._meta.db_table} x LEFT JOIN {Person._meta.db_table} p ON p.id = x.person_id {of_cases}",
        params,
        {
            "case_id": pl.Int64,
            STORED_ORDER: pl.Int64,
            "relationship": pl.String,
            "lives_in_household": pl.Boolean,
            "roles": pl.String,
            "person_id": pl.Int64,
            "gender": pl.String,
            "citizenship": pl.String,
        },
    )
    stored = rows["roles"].unique()
    decoded = pl.DataFrame(
        {
            "roles": stored,
            "decoded": pl.Series(
                [roles.from_db_value(v, None, connection) for v in stored.to_list()], dtype=pl.List(pl.String)
            ),
        }
    )
    rows = rows.join(decoded, on="roles", how="left", maintain_order="left").drop("roles").rename({"decoded": "roles"})
    rows = rows.join(identities, on="person_id", how="left", maintain_order="left").with_columns(
        [pl.col(c).fill_null("") for c in ("gender", "citizenship", *IDENTITY_COLUMNS)]
    )
    rows = rows.with_columns(_date("birthdate"))
    return rows.group_by("case_id", maintain_order=True).agg(
        pl.struct([f.name for f in PERPETRATOR.fields]).cast(PERPETRATOR).alias("perpetrators")
    )


def _events(of_cases: str, params: list, include_identities: bool) -> pl.DataFrame:
    """(case_id, events): each case's events in the order they were stored. Their descriptions are free text,
    which may name people, so they go only where identities may."""
    description = "x.description" if include_identities else "''"
    rows = _query(
        f"SELECT x.case_id, x.id, x.event_type, x.ubigeo, x.country, x.date, {description}"
        f" FROM {TraffickingEvent._meta.db_table} x {of_cases}",
        params,
        {
            "case_id": pl.Int64,
            STORED_ORDER: pl.Int64,
            "event_type": pl.String,
            "ubigeo": pl.String,
            "country": pl.String,
            "date": pl.Date,
            "description": pl.String,
        },
    )
    if include_identities:
        rows = rows.with_columns(pl.col("description").map_elements(_opened, return_dtype=pl.String))
    return rows.group_by("case_id", maintain_order=True).agg(
        pl.struct([f.name for f in EVENT.fields]).cast(EVENT).alias("events")
    )


def import_batches(*, source_id: int | None = None) -> QuerySet[ImportBatch]:
    """Past imports and dry runs, newest first, with their source and the account that made them."""
    batches = ImportBatch.objects.select_related("source", "user")
    if source_id is not None:
        batches = batches.filter(source_id=source_id)
    return batches.order_by("-started_at", "-id")
