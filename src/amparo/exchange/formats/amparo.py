"""The Amparo case file: one row per victim-case, English column names or their Spanish aliases."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.exchange.domain.columns import COLUMN_NAMES, COLUMNS, IDENTIFYING, REQUIRED, column_for_header
from amparo.exchange.domain.readers import ROW, Table

NAME = "amparo"
LABEL = _("Amparo case file")


def _mapping(header: list[str]) -> dict[str, str]:
    """file column -> Amparo column, first spelling wins."""
    mapping: dict[str, str] = {}
    for cell in header:
        name = column_for_header(cell)
        if name and name not in mapping.values():
            mapping[cell] = name
    return mapping


def score(header: list[str]) -> float:
    return len(_mapping(header)) / len(header) if header else 0.0


def source_columns(header: list[str]) -> dict[str, str]:
    return {amparo: cell for cell, amparo in _mapping(header).items()}


def to_amparo(table: Table, context) -> pl.DataFrame:
    from amparo.exchange.formats import require

    mapping = _mapping(table.header)
    require(table.header, set(mapping.values()), REQUIRED, str(LABEL))
    return table.frame.select([pl.col(cell).alias(name) for cell, name in mapping.items()] + [pl.col(ROW)])


def _text(column: str, dtype) -> pl.Expr:
    expr = pl.col(column)
    if dtype == pl.List(pl.String):
        return expr.list.join(";")
    if dtype == pl.Boolean:
        return pl.when(expr).then(pl.lit("yes")).otherwise(pl.lit("no"))
    return expr.cast(pl.String)


EXPORT_SOURCES = {
    "source_record_id": "source_record_id", "registration_date": "registration_date", "prs_Gender": "gender",
    "prs_Birthdate": "birthdate", "age": "age", "prs_Citizenship": "citizenship", "prs_FirstName": "first_name",
    "prs_SecondName": "second_name", "prs_IdentityNumber": "identity_number", "cas_Status": "status",
    "vic_TraffickingStatus": "trafficking_status", "vic_TraffickingStatusDecisionMakingOrg": "decision_org",
    "vic_TypeOfExploitation": "exploitation_types", "vic_TypeOfSexExploitation": "sex_exploitation_types",
    "vic_ForcedLabourIndustry": "forced_labour_industry", "vic_MethodsOfControl": "control_methods",
    "vic_MethodOfRecruitment": "recruitment_methods", "exploitation_ubigeo": "exploitation_ubigeo",
    "exploitation_department": None, "exploitation_country": "exploitation_country",
    "exploitation_date": "exploitation_date", "recruitment_ubigeo": "recruitment_ubigeo",
    "recruitment_department": None, "recruitment_country": "recruitment_country", "recruitment_date": "recruitment_date",
    "recruiter_relationship": "relationships", "recruiter_in_household": "in_household",
    "organised_network": "organised_network", "legal_article": "legal_article",
}


def from_cases(cases: pl.DataFrame, include_identities: bool = False) -> pl.DataFrame:
    """Cases (the typed frame of exchange.selectors) as rows of the Amparo case file."""
    columns = []
    for column in COLUMN_NAMES:
        source = EXPORT_SOURCES[column]
        if column in IDENTIFYING and not include_identities:
            continue
        if source is None:
            columns.append(pl.lit("").alias(column))
        else:
            columns.append(_text(source, cases.schema[source]).fill_null("").alias(column))
    return cases.select(columns)


def template_rows() -> pl.DataFrame:
    """The downloadable template: every column, with one example row."""
    return pl.DataFrame({c.name: [c.example] for c in COLUMNS})
