"""What CTDC's statistical files say in HTCDS and Amparo terms, shared by the legacy and synthetic formats.

CTDC flags are coarser than Amparo's codes. On import a flag becomes the code it
stands for; flags that merge several codes, or that Amparo has no code for, are
kept only in the original row (never guessed into a code). On export each code
sets the flag it belongs to.
"""

from __future__ import annotations

import polars as pl

from amparo.core import codelists
from amparo.registry.frames import event_values, perpetrator_values

MISSING = "-99"

GENDER_IMPORT = {"male": "Masculine", "female": "Feminine", "man": "Masculine", "woman": "Feminine",
                 "transgender/nonconforming": "NonConforming", "trans/transgender/nonconforming": "NonConforming",
                 "unknown": "NonSpecifiedUnknown"}
GENDER_LEGACY = {"Masculine": "Male", "Feminine": "Female", "TransgenderFeminine": "Transgender/NonConforming",
                 "TransgenderMasculine": "Transgender/NonConforming", "NonConforming": "Transgender/NonConforming",
                 "NonSpecifiedUnknown": "Unknown", "": "Unknown"}
GENDER_SYNTHETIC = {"Masculine": "Man", "Feminine": "Woman", "TransgenderFeminine": "Trans/Transgender/NonConforming",
                    "TransgenderMasculine": "Trans/Transgender/NonConforming",
                    "NonConforming": "Trans/Transgender/NonConforming", "NonSpecifiedUnknown": "", "": ""}

# legacy meansOfControl<flag> -> HTCDS vic_MethodsOfControl code
CONTROL = {
    "DebtBondage": "DebtBondage", "TakesEarnings": "TakesEarnings", "RestrictsFinancialAccess": "RestrictsFinancialAccess",
    "Threats": "PhysicalThreats", "PsychologicalAbuse": "PsychologicalAbuse", "PhysicalAbuse": "PhysicalAbuse",
    "SexualAbuse": "SexualAbuse", "FalsePromises": "FalsePromises", "PsychoactiveSubstances": "PsychoactiveSubstance",
    "RestrictsMovement": "RestrictsMovement", "RestrictsMedicalCare": "RestrictsMedicalCare",
    "ExcessiveWorkingHours": "ExcessiveWorkingHours", "UsesChildren": "ThreatensChildrenFamily",
    "ThreatOfLawEnforcement": "ThreatsLawEnforcement", "WithholdsNecessities": "WithholdsNecessities",
    "WithholdsDocuments": "WithholdsDocuments", "Other": "Other", "NotSpecified": None,
}
# legacy is<flag> -> vic_TypeOfExploitation codes
EXPLOITATION = {
    "ForcedLabour": ("ForcedLabour",), "SexualExploit": ("SexualExploitation",), "OtherExploit": ("Other",),
    "SexAndLabour": ("SexualExploitation", "ForcedLabour"), "ForcedMarriage": ("ForcedMarriage",),
    "ForcedMilitary": ("ForcedMilitaryByNonStateActors",), "OrganRemoval": ("OrganRemoval",),
    "SlaveryAndPractices": ("Servitude",),
}
# legacy typeOfLabour<flag> -> vic_ForcedLabourIndustry code (None: no industry code says it)
LABOUR = {
    "Agriculture": "A_AgricultureForestryAndFishing", "Aquafarming": "A_AgricultureForestryAndFishing",
    "Begging": None, "Construction": "F_Construction", "DomesticWork": "T_HouseholdActivities",
    "Hospitality": "I_AccommodationAndFoodServiceActivities", "IllicitActivities": None,
    "Manufacturing": "C_Manufacturing", "MiningOrDrilling": "B_MiningAndQuarrying",
    "Peddling": "G_WholesaleAndRetailTradeRepairOfMotorVehicles", "Transportation": "H_TransportationAndStorage",
    "Other": None, "NotSpecified": None,
}
SEX = {"Prostitution": "Prostitution", "Pornography": "Pornography",
       "RemoteInteractiveServices": "RemoteInteractiveServices", "PrivateSexualServices": "PrivateSexualServices"}
# recruiterRelation<flag> -> detailed relationship on import (Other and Unknown say no more than "unknown")
RELATION_IMPORT = {"IntimatePartner": "intimate_partner", "Friend": "friend_acquaintance", "Family": "other_relative",
                   "Other": "unknown", "Unknown": "unknown"}
RELATION_LABEL = {"IntimatePartner": "Intimate Partner", "Friend": "Friend/Acquaintance", "Family": "Family/Relative",
                  "Other": "Other", "Unknown": "Not Specified"}


def with_relationships_and_country(cases: pl.DataFrame) -> pl.DataFrame:
    """The cases with what CTDC keeps of their perpetrators and events: every relationship to the victim, and
    the country of the first exploitation (CTDC has one country of exploitation)."""
    return cases.with_columns(perpetrator_values("relationship").alias("relationships"),
                              event_values("Exploitation", "country").list.first().fill_null("")
                              .alias("exploitation_country"))


def is_set(column: str) -> pl.Expr:
    """A CTDC flag cell that says yes (`1`, also `1.0` or `true` from a spreadsheet)."""
    return pl.col(column).fill_null("").str.strip_chars().str.to_lowercase().is_in(["1", "1.0", "true"])


def known(column: str) -> pl.Expr:
    """A cell that holds a value: not empty and not CTDC's -99."""
    value = pl.col(column).fill_null("").str.strip_chars()
    return pl.when(value.is_in(["", MISSING, "-99.0"])).then(pl.lit("")).otherwise(value)


def codes_from_flags(present: list[str], flag_codes: dict[str, tuple[str, ...] | str | None], prefix: str) -> pl.Expr:
    """The `;`-joined codes of the flags that are set, in the codelist's order."""
    parts = []
    for flag, codes in flag_codes.items():
        column = prefix + flag
        if column not in present or not codes:
            continue
        for code in (codes,) if isinstance(codes, str) else codes:
            parts.append(pl.when(is_set(column)).then(pl.lit(code)).otherwise(pl.lit(None)))
    if not parts:
        return pl.lit("")
    return pl.concat_list(parts).list.drop_nulls().list.unique(maintain_order=True).list.join(";")


def flag_group(cases: pl.DataFrame, column: str, flags: dict[str, set[str]], prefix: str, absent: str,
               present: str = "1", unset: str = "0") -> list[pl.Series]:
    """One flag column per entry of `flags` (flag -> the codes that set it), coded CTDC's way: a case with
    no code at all in `column` is missing in every flag of the group (`absent`)."""
    values = cases[column]
    has_any = values.list.len() > 0
    series = []
    for flag, codes in flags.items():
        hit = values.list.eval(pl.element().is_in(list(codes))).list.any()
        series.append(pl.select(pl.when(~has_any).then(pl.lit(absent)).when(hit).then(pl.lit(present))
                                .otherwise(pl.lit(unset))).to_series().alias(prefix + flag))
    return series


def relationship_flags() -> dict[str, set[str]]:
    flags: dict[str, set[str]] = {"IntimatePartner": set(), "Friend": set(), "Family": set(), "Other": set(),
                                  "Unknown": set()}
    for relationship in codelists.RELATIONSHIPS:
        flags[relationship.ctdc].add(relationship.code)
    return flags
