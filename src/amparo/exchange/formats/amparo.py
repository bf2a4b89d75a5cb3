"""The Amparo case file: one row per victim-case, English column names or their Spanish aliases."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.exchange.domain import case_parts, columns
from amparo.exchange.domain.columns import COLUMN_NAMES, COLUMNS, EVENT_ORDER, EVENTS, IDENTIFYING, SPANISH_NAMES
from amparo.exchange.domain.readers import EVENTS_KEY, PERPETRATORS_KEY, ROW, Table
from amparo.exchange.domain.schema import EVENT_COLUMNS, PERPETRATOR_COLUMNS
from amparo.exchange.formats.base import ExchangeFormat, ImportContext


def _text(column: str, dtype) -> pl.Expr:
    expr = pl.col(column)
    if dtype == pl.List(pl.String):
        return expr.list.join(";")
    return expr.cast(pl.String)


# The case file's columns of a case and its victim -> the typed frame's column.
CASE_SOURCES = {
    "source_record_id": "source_record_id",
    "registration_date": "registration_date",
    "prs_Gender": "gender",
    "prs_Birthdate": "birthdate",
    "age": "age_when_trafficked",
    "prs_Citizenship": "citizenship",
    "prs_FirstName": "first_name",
    "prs_SecondName": "second_name",
    "prs_IdentityNumber": "identity_number",
    "cas_Status": "status",
    "vic_TraffickingStatus": "trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "trafficking_status_decision_org",
    "vic_TypeOfExploitation": "exploitation_types",
    "vic_TypeOfSexExploitation": "sex_exploitation_types",
    "vic_ForcedLabourIndustry": "forced_labour_industry",
    "vic_MethodsOfControl": "control_methods",
    "vic_MethodOfRecruitment": "recruitment_methods",
    "organised_network": "organised_network",
    "legal_article": "legal_article",
}
# Columns of a case's events and perpetrators -> (event type, EVENT field) or PERPETRATOR field.
EVENT_CELLS = {
    f"{prefix}_{field}": (event_type, field)
    for prefix, event_type in EVENTS
    for field in EVENT_COLUMNS
    if field != "department"
}
PERPETRATOR_CELLS = {
    "recruiter_relationship": "relationship",
    "recruiter_in_household": "lives_in_household",
    **PERPETRATOR_COLUMNS,
}
# In JSON a case's events and perpetrators are nested objects instead: key -> EVENT or PERPETRATOR field. An
# event's keys are its columns without the type's prefix; a perpetrator's, without `perpetrator_`.
EVENT_KEYS = {
    "hte_Type": "event_type",
    "ubigeo": "ubigeo",
    "country": "country",
    "date": "date",
    "description": "description",
}
PERPETRATOR_KEYS = {
    "relationship": "relationship",
    "in_household": "lives_in_household",
    "per_RoleInProcess": "roles",
    "prs_Gender": "gender",
    "prs_Citizenship": "citizenship",
    "prs_FirstName": "first_name",
    "prs_SecondName": "second_name",
    "prs_Birthdate": "birthdate",
    "prs_IdentityNumber": "identity_number",
}
IDENTIFYING_KEYS = ("prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_IdentityNumber")


def _cell(column: str, schema: pl.Schema) -> pl.Expr:
    if column in CASE_SOURCES:
        return _text(CASE_SOURCES[column], schema[CASE_SOURCES[column]])
    if column in EVENT_CELLS:
        return case_parts.event_cell(*EVENT_CELLS[column])
    if column in PERPETRATOR_CELLS:
        return case_parts.perpetrator_cell(PERPETRATOR_CELLS[column])
    if column == EVENT_ORDER:
        return case_parts.event_order_cell()
    return pl.lit("")  # a department by name: the ubigeo says it


class AmparoFormat(ExchangeFormat):
    NAME = "amparo"
    LABEL = _("Amparo case file")
    KINDS = ("csv", "xlsx", "json")
    IDENTITIES = True
    SPELLINGS = columns.SPELLINGS
    REQUIRED = columns.REQUIRED

    def source_columns(self, header: list[str]) -> dict[str, str]:
        return {amparo: cell for cell, amparo in self.match(header).columns.items()}

    def to_amparo(self, table: Table, context: ImportContext) -> pl.DataFrame:
        named = self.file_columns(table.header)
        return table.frame.select([pl.col(cell).alias(name) for cell, name in named.items()] + [pl.col(ROW)])

    def from_cases(
        self, cases: pl.DataFrame, *, include_identities: bool = False, nested: bool = False
    ) -> pl.DataFrame:
        """Rows of the Amparo case file; `nested` (for JSON) puts each case's perpetrators and events in lists of
        objects instead of their columns."""
        cells = []
        for column in COLUMN_NAMES:
            if column in IDENTIFYING and not include_identities:
                continue
            if nested and (
                column in EVENT_CELLS
                or column in PERPETRATOR_CELLS
                or column == EVENT_ORDER
                or column.endswith("_department")
            ):
                continue
            cells.append(_cell(column, cases.schema).fill_null("").alias(column))
        if nested:
            keys = {k: f for k, f in PERPETRATOR_KEYS.items() if include_identities or k not in IDENTIFYING_KEYS}
            cells += [
                case_parts.objects("perpetrators", keys).alias(PERPETRATORS_KEY),
                case_parts.objects("events", EVENT_KEYS).alias(EVENTS_KEY),
            ]
        return cases.select(cells)


def template_rows(language: str = "en") -> pl.DataFrame:
    """The downloadable template: every column, with one example row; headed with the columns' Spanish names
    for a Spanish reader (the importer reads either)."""
    names = SPANISH_NAMES if language == "es" else {c.name: c.name for c in COLUMNS}
    return pl.DataFrame({names[c.name]: [c.example] for c in COLUMNS})
