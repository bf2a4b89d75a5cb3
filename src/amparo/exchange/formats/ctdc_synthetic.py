"""CTDC's synthetic schema (2024 onward): 27 columns, flags `1` or empty, countries as ISO alpha-3.

Several flags merge Amparo codes (meansDebtBondageEarnings, meansThreats,
meansAbusePsyPhySex, meansDenyBasicNeeds): on export any of their codes sets
them; on import they cannot be split back, so they are stored as the control
method Other and kept as they were in the original row. Identifiers and dates
are made as for every CTDC file (see ctdc).
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import age_bands, codelists
from amparo.core.countries import alpha_3
from amparo.exchange.domain.headers import HeaderSpellings
from amparo.exchange.formats import ctdc
from amparo.exchange.formats.crosswalk import Crosswalk

CODING = ctdc.FlagCoding(set="1", unset="", missing="")
LEGACY_ONLY = HeaderSpellings({"Datasource": ()})  # a column of the legacy file only
MEANS = ctdc.FlagGroup(
    "means",
    Crosswalk(
        codelists.METHODS_OF_CONTROL,
        {
            "DebtBondageEarnings": "Other",
            "Threats": "Other",
            "AbusePsyPhySex": "Other",
            "FalsePromises": "FalsePromises",
            "DrugsAlcohol": "PsychoactiveSubstance",
            "DenyBasicNeeds": "Other",
            "ExcessiveWorkHours": "ExcessiveWorkingHours",
            "WithholdDocs": "WithholdsDocuments",
        },
        writes={
            "DebtBondageEarnings": ("DebtBondage", "TakesEarnings"),
            "Threats": ("PhysicalThreats", "ThreatensChildrenFamily", "ThreatsLawEnforcement"),
            "AbusePsyPhySex": ("PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse"),
            "DenyBasicNeeds": (
                "RestrictsFinancialAccess",
                "RestrictsMovement",
                "RestrictsMedicalCare",
                "WithholdsNecessities",
            ),
        },
    ),
)


def _age_broad(age: int | None) -> str:
    if age is None:
        return ""
    band = age_bands.band_for(age, age_bands.CTDC_AGE_BROAD)
    return "09--17" if band == "9--17" else band


class CtdcSyntheticFormat(ctdc.CtdcFormat):
    NAME = "ctdc-synthetic"
    LABEL = _("CTDC synthetic dataset")
    CONTROL = MEANS
    EXPLOITATION = ctdc.EXPLOITATION.only("ForcedLabour", "SexualExploit", "OtherExploit")
    LABOUR = ctdc.LABOUR.only("Agriculture", "Construction", "DomesticWork", "Hospitality")
    SEX = ctdc.SEX.only("Prostitution", "Pornography")
    RELATION = ctdc.RELATION.only("IntimatePartner", "Friend", "Family", "Other")
    HEADER = (
        "yearOfRegistration",
        "gender",
        "ageBroad",
        "citizenship",
        "CountryOfExploitation",
        "traffickMonths",
        *CONTROL.columns,
        *EXPLOITATION.columns,
        *LABOUR.columns,
        *SEX.columns,
        *RELATION.columns,
    )
    SPELLINGS = HeaderSpellings(dict.fromkeys(HEADER, ()))

    def score(self, header: list[str]) -> float:
        """A file with Datasource is a legacy one, whatever else it shares with this schema."""
        match = self.match(header)
        if "yearOfRegistration" not in match.columns.values() or LEGACY_ONLY.match(header).columns:
            return 0.0
        return match.score

    def from_cases(
        self, cases: pl.DataFrame, *, include_identities: bool = False, nested: bool = False
    ) -> pl.DataFrame:
        """Cases as synthetic-schema rows: `1` or empty, alpha-3 countries, the 2025 zero-padded age band; never
        identities, never nested."""
        if nested:
            raise ValueError("CTDC files are flat")
        cases = ctdc.with_relationships_and_country(cases)
        described = pl.DataFrame(
            [
                cases["registration_date"].dt.year().cast(pl.String).alias("yearOfRegistration"),
                cases["gender"].replace_strict(ctdc.GENDER_SYNTHETIC.term_of(), default="").alias("gender"),
                cases["age_when_trafficked"]
                .map_elements(_age_broad, return_dtype=pl.String, skip_nulls=False)
                .alias("ageBroad"),
                cases["citizenship"].map_elements(alpha_3, return_dtype=pl.String).alias("citizenship"),
                cases["exploitation_country"]
                .map_elements(alpha_3, return_dtype=pl.String)
                .alias("CountryOfExploitation"),
                pl.repeat("", cases.height, eager=True, dtype=pl.String).alias("traffickMonths"),
            ]
        )
        return described.hstack(self._flags(cases, CODING)).select(self.HEADER)
