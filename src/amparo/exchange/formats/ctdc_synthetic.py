"""CTDC's synthetic schema (2024 onward): 27 columns, flags `1` or empty, countries as ISO alpha-3.

Several flags merge Amparo codes (meansDebtBondageEarnings, meansThreats,
meansAbusePsyPhySex, meansDenyBasicNeeds): on export any of their codes sets
them; on import they cannot be split back, so they are stored as the control
method Other and kept as they were in the original row. Identifiers and dates
are made as for the legacy file (see ctdc_legacy).
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import age_bands
from amparo.core.countries import alpha_3
from amparo.exchange.domain.readers import ROW, Table
from amparo.exchange.formats import ctdc

NAME = "ctdc-synthetic"
LABEL = _("CTDC synthetic dataset")

# synthetic means flag -> the Amparo control codes that set it on export; import maps each flag to one code
MEANS = {
    "meansDebtBondageEarnings": ({"DebtBondage", "TakesEarnings"}, "Other"),
    "meansThreats": ({"PhysicalThreats", "ThreatensChildrenFamily", "ThreatsLawEnforcement"}, "Other"),
    "meansAbusePsyPhySex": ({"PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse"}, "Other"),
    "meansFalsePromises": ({"FalsePromises"}, "FalsePromises"),
    "meansDrugsAlcohol": ({"PsychoactiveSubstance"}, "PsychoactiveSubstance"),
    "meansDenyBasicNeeds": ({"RestrictsFinancialAccess", "RestrictsMovement", "RestrictsMedicalCare",
                             "WithholdsNecessities"}, "Other"),
    "meansExcessiveWorkHours": ({"ExcessiveWorkingHours"}, "ExcessiveWorkingHours"),
    "meansWithholdDocs": ({"WithholdsDocuments"}, "WithholdsDocuments"),
}
EXPLOIT = {"isForcedLabour": "ForcedLabour", "isSexualExploit": "SexualExploitation", "isOtherExploit": "Other"}
LABOUR = {"typeOfLabourAgriculture": "A_AgricultureForestryAndFishing", "typeOfLabourConstruction": "F_Construction",
          "typeOfLabourDomesticWork": "T_HouseholdActivities",
          "typeOfLabourHospitality": "I_AccommodationAndFoodServiceActivities"}
SEX = {"typeOfSexProstitution": "Prostitution", "typeOfSexPornography": "Pornography"}
RELATIONS = ("IntimatePartner", "Friend", "Family", "Other")

HEADER: tuple[str, ...] = (
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation", "traffickMonths",
    *MEANS, *EXPLOIT, *LABOUR, *SEX, *(f"recruiterRelation{r}" for r in RELATIONS),
)
REQUIRED = ("yearOfRegistration",)


def score(header: list[str]) -> float:
    if "yearOfRegistration" not in header or "Datasource" in header:
        return 0.0
    return sum(cell in HEADER for cell in header) / len(header)


def source_columns(header: list[str]) -> dict[str, str]:
    return {"registration_date": "yearOfRegistration", "prs_Gender": "gender", "prs_Citizenship": "citizenship",
            "exploitation_country": "CountryOfExploitation", "source_record_id": "yearOfRegistration"}


def _codes(present: list[str], flags: dict[str, str]) -> pl.Expr:
    parts = [pl.when(ctdc.is_set(f)).then(pl.lit(code)).otherwise(pl.lit(None)) for f, code in flags.items()
             if f in present]
    if not parts:
        return pl.lit("")
    return pl.concat_list(parts).list.drop_nulls().list.unique(maintain_order=True).list.join(";")


def to_amparo(table: Table, context) -> pl.DataFrame:
    from amparo.exchange.formats import require

    require(table.header, set(table.header), REQUIRED, str(LABEL))
    present = table.header
    year = ctdc.known("yearOfRegistration")
    industry = _codes(present, LABOUR)

    def text(column: str) -> pl.Expr:
        return ctdc.known(column) if column in present else pl.lit("")

    return table.frame.select(
        pl.col(ROW),
        pl.format("ctdc-{}-{}", pl.lit(context.sha256[:12]), pl.col(ROW)).alias("source_record_id"),
        pl.when(year.str.contains(r"^\d{4}(\.0)?$")).then(year.str.slice(0, 4) + "-01-01").otherwise(year)
        .alias("registration_date"),
        text("gender").map_elements(lambda g: ctdc.GENDER_IMPORT.get(g.strip().lower(), g), return_dtype=pl.String)
        .alias("prs_Gender"),
        text("citizenship").alias("prs_Citizenship"),
        text("CountryOfExploitation").alias("exploitation_country"),
        _codes(present, {f: code for f, (_members, code) in MEANS.items()}).alias("vic_MethodsOfControl"),
        _codes(present, EXPLOIT).alias("vic_TypeOfExploitation"),
        pl.when(industry.str.contains(";")).then(pl.lit("")).otherwise(industry).alias("vic_ForcedLabourIndustry"),
        _codes(present, SEX).alias("vic_TypeOfSexExploitation"),
        _codes(present, {f"recruiterRelation{r}": ctdc.RELATION_IMPORT[r] for r in RELATIONS})
        .alias("recruiter_relationship"),
    )


def _age_broad(age: int | None) -> str:
    if age is None:
        return ""
    band = age_bands.band_for(age, age_bands.CTDC_AGE_BROAD)
    return "09--17" if band == "9--17" else band


def from_cases(cases: pl.DataFrame, include_identities: bool = False) -> pl.DataFrame:
    """Cases as synthetic-schema rows: `1` or empty, alpha-3 countries, the 2025 zero-padded age band."""
    cases = ctdc.with_relationships_and_country(cases)
    def flags(column: str, mapping: dict[str, set[str]]) -> list[pl.Series]:
        return ctdc.flag_group(cases, column, mapping, "", absent="", unset="")

    relation_codes = ctdc.relationship_flags()
    return pl.DataFrame([
        cases["registration_date"].dt.year().cast(pl.String).alias("yearOfRegistration"),
        cases["gender"].replace_strict(ctdc.GENDER_SYNTHETIC, default="").alias("gender"),
        cases["age_when_trafficked"].map_elements(_age_broad, return_dtype=pl.String, skip_nulls=False)
        .alias("ageBroad"),
        cases["citizenship"].map_elements(alpha_3, return_dtype=pl.String).alias("citizenship"),
        cases["exploitation_country"].map_elements(alpha_3, return_dtype=pl.String).alias("CountryOfExploitation"),
        pl.repeat("", cases.height, eager=True, dtype=pl.String).alias("traffickMonths"),
        *flags("control_methods", {f: members for f, (members, _code) in MEANS.items()}),
        *flags("exploitation_types", {f: {code} for f, code in EXPLOIT.items()}),
        *[s for s in ctdc.flag_group(cases.with_columns(pl.concat_list("forced_labour_industry").alias("_i")), "_i",
                                     {f: {code} for f, code in LABOUR.items()}, "", absent="", unset="")],
        *flags("sex_exploitation_types", {f: {code} for f, code in SEX.items()}),
        *ctdc.flag_group(cases, "relationships", {r: relation_codes[r] for r in RELATIONS}, "recruiterRelation",
                         absent="", unset=""),
    ]).select(HEADER)
