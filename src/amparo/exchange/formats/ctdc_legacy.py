"""CTDC's legacy k-anonymised Global Dataset: 62-63 columns, `0`/`1` flags, `-99` or empty for missing.

Identifiers and registration dates are made as for every CTDC file (see ctdc).
Age bands, the data source and flags no Amparo code stands for stay in the
original row kept with the case.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import age_bands
from amparo.exchange.domain.headers import HeaderSpellings
from amparo.exchange.formats import ctdc

CODING = ctdc.FlagCoding(set="1", unset="0", missing=ctdc.MISSING)
# How the RecruiterRelationship column names each relation flag.
RELATION_LABEL = {
    "IntimatePartner": "Intimate Partner",
    "Friend": "Friend/Acquaintance",
    "Family": "Family/Relative",
    "Other": "Other",
    "Unknown": "Not Specified",
}


def _age_broad(age: int | None) -> str:
    return ctdc.MISSING if age is None else age_bands.band_for(age, age_bands.CTDC_AGE_BROAD)


def _concatenated(group: ctdc.FlagGroup, labels: dict[str, str] | None = None) -> pl.Expr:
    """The names (or labels) of a group's flags that are set, `;` between them; -99 when none is."""
    names = [
        pl.when(pl.col(group.prefix + term) == CODING.set).then(pl.lit((labels or {}).get(term, term)))
        for term in group.crosswalk.reads
    ]
    joined = pl.concat_list(names).list.drop_nulls().list.join(";")
    return pl.when(joined == "").then(pl.lit(ctdc.MISSING)).otherwise(joined)


class CtdcLegacyFormat(ctdc.CtdcFormat):
    NAME = "ctdc-legacy"
    LABEL = _("CTDC legacy global dataset")
    CONTROL, EXPLOITATION, LABOUR, SEX, RELATION = ctdc.CONTROL, ctdc.EXPLOITATION, ctdc.LABOUR, ctdc.SEX, ctdc.RELATION
    HEADER = (
        "yearOfRegistration",
        "Datasource",
        "gender",
        "ageBroad",
        "majorityStatus",
        "majorityStatusAtExploit",
        "majorityEntry",
        "citizenship",
        *CONTROL.columns,
        "meansOfControlConcatenated",
        *EXPLOITATION.columns,
        "typeOfExploitConcatenated",
        *LABOUR.columns,
        "typeOfLabourConcatenated",
        *SEX.columns,
        "typeOfSexConcatenated",
        "isAbduction",
        "RecruiterRelationship",
        "CountryOfExploitation",
        *RELATION.columns,
    )
    SPELLINGS = HeaderSpellings(dict.fromkeys(HEADER, ()))

    def score(self, header: list[str]) -> float:
        match = self.match(header)
        return match.score if {"yearOfRegistration", "Datasource"} <= set(match.columns.values()) else 0.0

    def from_cases(
        self, cases: pl.DataFrame, *, include_identities: bool = False, nested: bool = False
    ) -> pl.DataFrame:
        """Cases as legacy CTDC rows, column for column; never identities, never nested."""
        if nested:
            raise ValueError("CTDC files are flat")
        cases = ctdc.with_relationships_and_country(cases)
        flags = self._flags(cases, CODING)
        majority = cases["age_when_trafficked"].map_elements(
            age_bands.majority_status, return_dtype=pl.String, skip_nulls=False
        )
        described = pl.DataFrame(
            [
                cases["registration_date"].dt.year().cast(pl.String).alias("yearOfRegistration"),
                pl.repeat("Case Management", cases.height, eager=True, dtype=pl.String).alias("Datasource"),
                cases["gender"].replace_strict(ctdc.GENDER_LEGACY.term_of(), default="Unknown").alias("gender"),
                cases["age_when_trafficked"]
                .map_elements(_age_broad, return_dtype=pl.String, skip_nulls=False)
                .alias("ageBroad"),
                majority.replace("Minor", "Unknown").alias("majorityStatus"),
                majority.alias("majorityStatusAtExploit"),
                majority.alias("majorityEntry"),
                cases["citizenship"].replace("", ctdc.MISSING).alias("citizenship"),
                pl.repeat(ctdc.MISSING, cases.height, eager=True, dtype=pl.String).alias("isAbduction"),
                cases["exploitation_country"].replace("", ctdc.MISSING).alias("CountryOfExploitation"),
            ]
        )
        return (
            described.hstack(flags)
            .with_columns(
                _concatenated(self.CONTROL).alias("meansOfControlConcatenated"),
                _concatenated(self.EXPLOITATION).alias("typeOfExploitConcatenated"),
                _concatenated(self.LABOUR).alias("typeOfLabourConcatenated"),
                _concatenated(self.SEX).alias("typeOfSexConcatenated"),
                _concatenated(self.RELATION, RELATION_LABEL).alias("RecruiterRelationship"),
            )
            .select(self.HEADER)
        )
