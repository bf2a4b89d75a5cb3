"""HTCDS v2.0 field names and value names ("HTCDS by IOM", CC BY 4.0), flat: one row or object per case.

HTCDS keeps trafficking events and perpetrators in their own objects; a flat
file carries the exploitation and recruitment events as `exploitation_hte_*`
and `recruitment_hte_*` columns, and Amparo's extensions (source id,
registration date, detailed recruiter relationship, organised network, legal
article) under their Amparo names. The spellings of the official toolkit
files (Excel template, ODK/Kobo form) are accepted.
"""

from __future__ import annotations

from functools import cache

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import codelists, geography
from amparo.exchange.domain import aligned, case_parts
from amparo.exchange.domain import normalise as norm
from amparo.exchange.domain.columns import EVENT_ORDER, EVENTS
from amparo.exchange.domain.columns import IDENTIFYING as IDENTIFYING_COLUMNS
from amparo.exchange.domain.headers import HeaderSpellings
from amparo.exchange.domain.readers import EVENTS_KEY, PERPETRATORS_KEY, ROW, Table
from amparo.exchange.domain.schema import PERPETRATOR_COLUMNS
from amparo.exchange.formats import amparo
from amparo.exchange.formats.base import ExchangeFormat, ImportContext
from amparo.exchange.formats.crosswalk import Crosswalk
from amparo.registry.frames import perpetrator_values

# HTCDS field (or Amparo extension) -> Amparo column; aliases are the toolkit's own spellings.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "source_record_id": ("source_record_id", ("cas_CaseId", "cas_Id", "Id", "case_id")),
    "registration_date": ("registration_date", ("cas_RegistrationDate", "CreatedDate")),
    "prs_Gender": ("prs_Gender", ()),
    "prs_Birthdate": ("prs_Birthdate", ()),
    "prs_Citizenship": ("prs_Citizenship", ()),
    "prs_FirstName": ("prs_FirstName", ("prs_First_Name",)),
    "prs_SecondName": ("prs_SecondName", ("prs_Second_Name",)),
    "prs_IdentityNumber": ("prs_IdentityNumber", ("prs_Identity_Number",)),
    "cas_Status": ("cas_Status", ()),
    "vic_TraffickingStatus": ("vic_TraffickingStatus", ()),
    "vic_TraffickingStatusDecisionMakingOrg": (
        "vic_TraffickingStatusDecisionMakingOrg",
        ("vic_TraffickinStatusDecisionMakingOrg",),
    ),
    "vic_AgeWhenTrafficked": ("age", ()),
    "vic_TypeOfExploitation": ("vic_TypeOfExploitation", ("vic_Type_of_Exploitation",)),
    "vic_TypeOfSexExploitation": ("vic_TypeOfSexExploitation", ()),
    "vic_ForcedLabourIndustry": ("vic_ForcedLabourIndustry", ()),
    "vic_MethodsOfControl": ("vic_MethodsOfControl", ("vic_Methods_of_Control",)),
    "vic_MethodOfRecruitment": ("vic_MethodOfRecruitment", ("vic_Method_of_Recruitment",)),
    "vic_RelationshipToTrafficker": ("htcds_relationship", ()),
    "exploitation_hte_Country": ("exploitation_country", ()),
    "exploitation_hte_State": ("exploitation_state", ()),
    "exploitation_hte_Ubigeo": ("exploitation_ubigeo", ()),
    "exploitation_hte_Date": ("exploitation_date", ()),
    "exploitation_hte_Description": ("exploitation_description", ()),
    "recruitment_hte_Country": ("recruitment_country", ()),
    "recruitment_hte_State": ("recruitment_state", ()),
    "recruitment_hte_Ubigeo": ("recruitment_ubigeo", ()),
    "recruitment_hte_Date": ("recruitment_date", ()),
    "recruitment_hte_Description": ("recruitment_description", ()),
    "transit_hte_Country": ("transit_country", ()),
    "transit_hte_State": ("transit_state", ()),
    "transit_hte_Ubigeo": ("transit_ubigeo", ()),
    "transit_hte_Date": ("transit_date", ()),
    "transit_hte_Description": ("transit_description", ()),
    "event_order": ("event_order", ()),
    "recruiter_relationship": ("recruiter_relationship", ("perpetrator_relationship",)),
    "recruiter_in_household": ("recruiter_in_household", ("perpetrator_in_household",)),
    "per_RoleInProcess": ("per_RoleInProcess", ("perpetrator_per_RoleInProcess",)),
    "perpetrator_prs_Gender": ("perpetrator_prs_Gender", ()),
    "perpetrator_prs_Citizenship": ("perpetrator_prs_Citizenship", ()),
    "perpetrator_prs_FirstName": ("perpetrator_prs_FirstName", ()),
    "perpetrator_prs_SecondName": ("perpetrator_prs_SecondName", ()),
    "perpetrator_prs_Birthdate": ("perpetrator_prs_Birthdate", ()),
    "perpetrator_prs_IdentityNumber": ("perpetrator_prs_IdentityNumber", ()),
    "organised_network": ("organised_network", ()),
    "legal_article": ("legal_article", ()),
}
# A nested event's keys in JSON (its hte_State is computed from the ubigeo); a perpetrator's are the Amparo ones.
EVENT_KEYS = {
    "hte_Type": "event_type",
    "hte_Country": "country",
    "hte_Ubigeo": "ubigeo",
    "hte_Date": "date",
    "hte_Description": "description",
}
# The coarse HTCDS relationship, when the detailed one is not given: the most that it says.
COARSE_RELATIONSHIP = Crosswalk(
    codelists.RECRUITER_RELATIONSHIP,
    {
        "Familial": "other_relative",
        "Acquainted": "friend_acquaintance",
        "Unaquainted": "stranger",
    },
    terms=codelists.HTCDS_RELATIONSHIP_TO_TRAFFICKER,
)


@cache
def _ubigeo_of_iso() -> dict[str, str]:
    index = {geography.iso_3166_2(d.ubigeo): d.ubigeo for d in geography.departments()}
    index["PE-LMA"] = geography.LIMA_METROPOLITANA
    return index


def _coarse_relationship(value: str) -> str:
    parts = [
        COARSE_RELATIONSHIP.code_of(norm.normalise_code(codelists.HTCDS_RELATIONSHIP_TO_TRAFFICKER, p) or "") or p
        for p in norm.split_multi(value)
    ]
    return ";".join(parts)


def _ubigeo_or_state(ubigeo: str, state: str) -> str:
    """The events' ubigeo, an event's ISO 3166-2 state standing in where its ubigeo is empty (Lima
    Metropolitana's PE-LMA is province 1501, any other state a department). The two are read event by
    event when they list as many; otherwise an ubigeo that is given is read alone (a state that does not line up with it says nothing)."""
    ubigeos, states = aligned.split(ubigeo), [_ubigeo_of_iso().get(s, s) for s in aligned.split(state)]
    if not ubigeos:
        return aligned.join(states)
    if len(ubigeos) != len(states):
        return ubigeo
    return aligned.join(u or s for u, s in zip(ubigeos, states))


def _htcds_relationship(codes: list[str]) -> str:
    """The closest of the perpetrators' coarse relationships (the codelist lists the closest first)."""
    coarse = {codelists.RELATIONSHIP_BY_CODE[c].htcds for c in codes}
    return next((value for value in codelists.HTCDS_RELATIONSHIP_TO_TRAFFICKER.values if value in coarse), "")


def _iso_state(ubigeo: str) -> str:
    return geography.iso_3166_2(ubigeo) if ubigeo else ""


def _state(cases: pl.DataFrame) -> pl.Expr:
    """The ISO 3166-2 subdivision of an event (pl.element() in a list of EVENT), once per distinct ubigeo."""
    ubigeos = cases["events"].explode(empty_as_null=False).struct.field("ubigeo").unique().to_list()
    return (
        pl.element()
        .struct.field("ubigeo")
        .replace_strict(ubigeos, [_iso_state(u) for u in ubigeos], return_dtype=pl.String)
    )


class HtcdsFormat(ExchangeFormat):
    NAME = "htcds"
    LABEL = _("HTCDS v2.0")
    KINDS = ("csv", "xlsx", "json")
    IDENTITIES = True
    SPELLINGS = HeaderSpellings({field: aliases for field, (_column, aliases) in FIELDS.items()})
    REQUIRED = ("source_record_id", "registration_date")

    def source_columns(self, header: list[str]) -> dict[str, str]:
        columns = {FIELDS[field][0]: cell for cell, field in self.match(header).columns.items()}
        if "htcds_relationship" in columns:
            columns.setdefault("recruiter_relationship", columns["htcds_relationship"])
        for prefix, _event_type in EVENTS:
            if f"{prefix}_state" in columns:
                columns.setdefault(f"{prefix}_ubigeo", columns[f"{prefix}_state"])
        return columns

    def to_amparo(self, table: Table, context: ImportContext) -> pl.DataFrame:
        fields = self.file_columns(table.header)
        frame = table.frame.select(
            [pl.col(cell).alias(FIELDS[field][0]) for cell, field in fields.items()] + [pl.col(ROW)]
        )
        additions = []
        if "htcds_relationship" in frame.columns:
            coarse = pl.col("htcds_relationship").map_elements(_coarse_relationship, return_dtype=pl.String)
            detailed = pl.col("recruiter_relationship") if "recruiter_relationship" in frame.columns else pl.lit("")
            additions.append(
                pl.when(detailed.fill_null("").str.strip_chars() != "")
                .then(detailed)
                .otherwise(coarse)
                .alias("recruiter_relationship")
            )
        for prefix, _event_type in EVENTS:
            if f"{prefix}_state" in frame.columns:
                ubigeo = pl.col(f"{prefix}_ubigeo") if f"{prefix}_ubigeo" in frame.columns else pl.lit("")
                places = frame.select(
                    pl.concat_str([ubigeo.fill_null(""), pl.col(f"{prefix}_state").fill_null("")], separator="\x1f")
                )[:, 0]
                distinct = places.unique()
                merged = [_ubigeo_or_state(*place.split("\x1f")) for place in distinct.to_list()]
                additions.append(
                    places.replace_strict(distinct, merged, return_dtype=pl.String).alias(f"{prefix}_ubigeo")
                )
        return frame.with_columns(additions) if additions else frame

    def from_cases(
        self, cases: pl.DataFrame, *, include_identities: bool = False, nested: bool = False
    ) -> pl.DataFrame:
        """Cases as HTCDS rows; `nested` (for JSON) keeps multi-valued fields as lists and puts each case's
        perpetrators and events in lists of objects instead of their columns."""

        def multi(column: str) -> pl.Expr:
            return pl.col(column) if nested else pl.col(column).list.join(";")

        columns = [
            pl.col("source_record_id"),
            pl.col("registration_date").cast(pl.String),
            pl.col("gender").alias("prs_Gender"),
        ]
        if include_identities:
            columns += [
                pl.col("first_name").alias("prs_FirstName"),
                pl.col("second_name").alias("prs_SecondName"),
                pl.col("identity_number").alias("prs_IdentityNumber"),
                pl.col("birthdate").cast(pl.String).fill_null("").alias("prs_Birthdate"),
            ]
        columns += [
            pl.col("citizenship").alias("prs_Citizenship"),
            pl.col("age_when_trafficked").cast(pl.String).fill_null("").alias("vic_AgeWhenTrafficked"),
            pl.col("status").alias("cas_Status"),
            pl.col("trafficking_status").alias("vic_TraffickingStatus"),
            pl.col("trafficking_status_decision_org").alias("vic_TraffickingStatusDecisionMakingOrg"),
            multi("exploitation_types").alias("vic_TypeOfExploitation"),
            multi("sex_exploitation_types").alias("vic_TypeOfSexExploitation"),
            pl.col("forced_labour_industry").alias("vic_ForcedLabourIndustry"),
            multi("control_methods").alias("vic_MethodsOfControl"),
            multi("recruitment_methods").alias("vic_MethodOfRecruitment"),
            perpetrator_values("relationship")
            .map_elements(lambda v: _htcds_relationship(list(v)), return_dtype=pl.String)
            .alias("vic_RelationshipToTrafficker"),
        ]
        if nested:
            keys = {
                k: f
                for k, f in amparo.PERPETRATOR_KEYS.items()
                if include_identities or k not in amparo.IDENTIFYING_KEYS
            }
            columns += [
                pl.col("organised_network"),
                pl.col("legal_article"),
                case_parts.objects("perpetrators", keys).alias(PERPETRATORS_KEY),
                case_parts.objects("events", EVENT_KEYS, {"hte_State": _state(cases)}).alias(EVENTS_KEY),
            ]
            return cases.select(columns)
        state = _state(cases)
        for prefix, event_type in EVENTS:
            columns += [
                case_parts.event_cell(event_type, "country").alias(f"{prefix}_hte_Country"),
                aligned.joined(
                    pl.col("events").list.eval(state.filter(pl.element().struct.field("event_type") == event_type))
                ).alias(f"{prefix}_hte_State"),
                case_parts.event_cell(event_type, "ubigeo").alias(f"{prefix}_hte_Ubigeo"),
                case_parts.event_cell(event_type, "date").alias(f"{prefix}_hte_Date"),
                case_parts.event_cell(event_type, "description").alias(f"{prefix}_hte_Description"),
            ]
        columns += [
            case_parts.event_order_cell().alias(EVENT_ORDER),
            case_parts.perpetrator_cell("relationship").alias("recruiter_relationship"),
            case_parts.perpetrator_cell("lives_in_household").alias("recruiter_in_household"),
        ]
        columns += [
            case_parts.perpetrator_cell(field).alias(column)
            for column, field in PERPETRATOR_COLUMNS.items()
            if include_identities or column not in IDENTIFYING_COLUMNS
        ]
        columns += [pl.col("organised_network"), pl.col("legal_article")]
        return cases.select(columns)
