"""Where each column of the Amparo case file (domain.columns) goes in the case frame (registry.frames), and
what a value left empty becomes: the record's own default."""

from __future__ import annotations

from dataclasses import MISSING, fields

from amparo.core import codelists
from amparo.registry.records import CODE_LISTS, CaseRecord, PersonRecord

# One code per cell: file column, frame column, codelist.
SINGLE_CODES = (
    ("prs_Gender", "gender", codelists.GENDER),
    ("cas_Status", "status", codelists.CASE_STATUS),
    ("vic_TraffickingStatus", "trafficking_status", codelists.TRAFFICKING_STATUS),
    (
        "vic_TraffickingStatusDecisionMakingOrg",
        "trafficking_status_decision_org",
        codelists.TRAFFICKING_STATUS_DECISION_ORG,
    ),
    ("vic_ForcedLabourIndustry", "forced_labour_industry", codelists.FORCED_LABOUR_INDUSTRY),
    ("organised_network", "organised_network", codelists.ORGANISED_NETWORK),
    ("legal_article", "legal_article", codelists.LEGAL_ARTICLE),
)
# Codes separated by ';': the file's column is the HTCDS field the registry stores them under.
MULTI_CODES = CODE_LISTS
PLAIN_TEXT = (
    ("prs_FirstName", "first_name"),
    ("prs_SecondName", "second_name"),
    ("prs_IdentityNumber", "identity_number"),
)
AGE = ("age", "age_when_trafficked")
DATES = (("registration_date", "registration_date"), ("prs_Birthdate", "birthdate"))
# Frame column -> what an empty cell means.
DEFAULTS = {f.name: f.default for f in (*fields(CaseRecord), *fields(PersonRecord)) if f.default is not MISSING}
EVENT_COLUMNS = ("ubigeo", "department", "country", "date", "description")  # of each type in columns.EVENTS
# The case file's per-perpetrator columns besides the relationship and household: column -> PERPETRATOR field.
PERPETRATOR_COLUMNS = {
    "per_RoleInProcess": "roles",
    "perpetrator_prs_Gender": "gender",
    "perpetrator_prs_Citizenship": "citizenship",
    "perpetrator_prs_FirstName": "first_name",
    "perpetrator_prs_SecondName": "second_name",
    "perpetrator_prs_Birthdate": "birthdate",
    "perpetrator_prs_IdentityNumber": "identity_number",
}
