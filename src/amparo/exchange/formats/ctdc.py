"""What CTDC's statistical files say in HTCDS and Amparo terms, shared by the legacy and synthetic formats.

CTDC flags are coarser than Amparo's codes. On import a flag becomes the code it
stands for; flags that merge several codes, or that Amparo has no code for, are
kept only in the original row (never guessed into a code). On export each code
sets the flag it belongs to. The legacy file has every flag below; the synthetic
one some of them, and a few of its own.

CTDC files have no record identifier and only the year of registration: an
imported row gets the identifier `ctdc-<first 12 hex of the file's SHA-256>-<row>`
(stable, so re-importing the same file changes nothing) and the registration
date 1 January of its year.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from amparo.core import codelists
from amparo.exchange.domain.readers import ROW, Table
from amparo.exchange.formats.base import ExchangeFormat, ImportContext
from amparo.exchange.formats.crosswalk import Crosswalk
from amparo.registry.frames import event_values, perpetrator_values

MISSING = "-99"


@dataclass(frozen=True)
class FlagCoding:
    """How a file writes a flag that is set, one that is not, and every flag of a group the case says nothing of."""

    set: str
    unset: str
    missing: str


def is_set(column: str) -> pl.Expr:
    """A CTDC flag cell that says yes (`1`, also `1.0` or `true` from a spreadsheet)."""
    return pl.col(column).fill_null("").str.strip_chars().str.to_lowercase().is_in(["1", "1.0", "true"])


def known(column: str) -> pl.Expr:
    """A cell that holds a value: not empty and not CTDC's -99."""
    value = pl.col(column).fill_null("").str.strip_chars()
    return pl.when(value.is_in(["", MISSING, "-99.0"])).then(pl.lit("")).otherwise(value)


@dataclass(frozen=True)
class FlagGroup:
    """The flag columns `<prefix><term>` of one field, each standing for the codes its crosswalk gives. A flag
    in `every` is set only by a case that has every code it writes (isSexAndLabour), any other by one of them."""

    prefix: str
    crosswalk: Crosswalk
    every: frozenset[str] = frozenset()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.prefix + term for term in self.crosswalk.reads)

    def only(self, *terms: str) -> FlagGroup:
        """The group in a file that has only some of its flags, in the order given."""
        return FlagGroup(self.prefix, self.crosswalk.only(*terms), self.every & set(terms))

    def read(self, present: Container[str]) -> pl.Expr:
        """The codes of the flags that are set, in the flags' order, each once (a list per row)."""
        parts = [
            pl.when(is_set(self.prefix + term)).then(pl.lit(code))
            for term, codes in self.crosswalk.reads.items()
            if self.prefix + term in present
            for code in codes
        ]
        if not parts:
            return pl.lit([], dtype=pl.List(pl.String))
        return pl.concat_list(parts).list.drop_nulls().list.unique(maintain_order=True)

    def write(self, codes: pl.Expr, coding: FlagCoding) -> list[pl.Expr]:
        """Every flag of the group for a list of codes per case."""
        flags = []
        for term, written in self.crosswalk.writes.items():
            if not written:
                hit = pl.lit(False)
            elif term in self.every:
                hit = pl.all_horizontal([codes.list.contains(pl.lit(code)) for code in sorted(written)])
            else:
                hit = codes.list.eval(pl.element().is_in(sorted(written))).list.any()
            flags.append(
                pl.when(codes.list.len() == 0)
                .then(pl.lit(coding.missing))
                .when(hit)
                .then(pl.lit(coding.set))
                .otherwise(pl.lit(coding.unset))
                .alias(self.prefix + term)
            )
        return flags


def _relationship_flags() -> dict[str, set[str]]:
    """recruiterRelation<flag> -> the detailed relationships that set it, as core.codelists says."""
    flags: dict[str, set[str]] = {}
    for relationship in codelists.RELATIONSHIPS:
        flags.setdefault(relationship.ctdc, set()).add(relationship.code)
    return flags


# The flags of the legacy file, in its order.
CONTROL = FlagGroup(
    "meansOfControl",
    Crosswalk(
        codelists.METHODS_OF_CONTROL,
        {
            "DebtBondage": "DebtBondage",
            "TakesEarnings": "TakesEarnings",
            "RestrictsFinancialAccess": "RestrictsFinancialAccess",
            "Threats": "PhysicalThreats",
            "PsychologicalAbuse": "PsychologicalAbuse",
            "PhysicalAbuse": "PhysicalAbuse",
            "SexualAbuse": "SexualAbuse",
            "FalsePromises": "FalsePromises",
            "PsychoactiveSubstances": "PsychoactiveSubstance",
            "RestrictsMovement": "RestrictsMovement",
            "RestrictsMedicalCare": "RestrictsMedicalCare",
            "ExcessiveWorkingHours": "ExcessiveWorkingHours",
            "UsesChildren": "ThreatensChildrenFamily",
            "ThreatOfLawEnforcement": "ThreatsLawEnforcement",
            "WithholdsNecessities": "WithholdsNecessities",
            "WithholdsDocuments": "WithholdsDocuments",
            "Other": "Other",
            "NotSpecified": None,
        },
    ),
)
EXPLOITATION = FlagGroup(
    "is",
    Crosswalk(
        codelists.EXPLOITATION_TYPE,
        {
            "ForcedLabour": "ForcedLabour",
            "SexualExploit": "SexualExploitation",
            "OtherExploit": "Other",
            "SexAndLabour": ("SexualExploitation", "ForcedLabour"),
            "ForcedMarriage": "ForcedMarriage",
            "ForcedMilitary": "ForcedMilitaryByNonStateActors",
            "OrganRemoval": "OrganRemoval",
            "SlaveryAndPractices": "Servitude",
        },
    ),
    every=frozenset({"SexAndLabour"}),
)
LABOUR = FlagGroup(
    "typeOfLabour",
    Crosswalk(
        codelists.FORCED_LABOUR_INDUSTRY,
        {
            "Agriculture": "A_AgricultureForestryAndFishing",
            "Aquafarming": "A_AgricultureForestryAndFishing",
            "Begging": None,
            "Construction": "F_Construction",
            "DomesticWork": "T_ActivitiesOfHouseholdsAsEmployers",
            "Hospitality": "I_AccommodationAndFoodServiceActivities",
            "IllicitActivities": None,
            "Manufacturing": "C_Manufacturing",
            "MiningOrDrilling": "B_MiningAndQuarrying",
            "Peddling": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
            "Transportation": "H_TransportationAndStorage",
            "Other": None,
            "NotSpecified": None,
        },
        writes={"Aquafarming": None},
    ),
)  # agriculture says it on export
SEX = FlagGroup(
    "typeOfSex",
    Crosswalk(
        codelists.SEX_EXPLOITATION_TYPE,
        {
            "Prostitution": "Prostitution",
            "Pornography": "Pornography",
            "RemoteInteractiveServices": "RemoteInteractiveServices",
            "PrivateSexualServices": "PrivateSexualServices",
        },
    ),
)
# Read as the detailed relationship (Other and Unknown say no more than "unknown"), set by every one it covers.
RELATION = FlagGroup(
    "recruiterRelation",
    Crosswalk(
        codelists.RECRUITER_RELATIONSHIP,
        {
            "IntimatePartner": "intimate_partner",
            "Friend": "friend_acquaintance",
            "Family": "other_relative",
            "Other": "unknown",
            "Unknown": "unknown",
        },
        writes=_relationship_flags(),
    ),
)

# The gender as each file spells it; either spelling is read in either file.
GENDER_LEGACY = Crosswalk(
    codelists.GENDER,
    {
        "Male": "Masculine",
        "Female": "Feminine",
        "Transgender/NonConforming": "NonConforming",
        "Unknown": "NonSpecifiedUnknown",
    },
    writes={"Transgender/NonConforming": ("TransgenderFeminine", "TransgenderMasculine", "NonConforming")},
)
GENDER_SYNTHETIC = Crosswalk(
    codelists.GENDER,
    {
        "Man": "Masculine",
        "Woman": "Feminine",
        "Trans/Transgender/NonConforming": "NonConforming",
    },
    writes={"Trans/Transgender/NonConforming": ("TransgenderFeminine", "TransgenderMasculine", "NonConforming")},
)


def _gender(column: str) -> pl.Expr:
    """The gender code a CTDC term stands for, in any case; any other value as it is, for the codelist's
    synonyms to read or the row to be quarantined with."""
    codes = {
        term.lower(): reads[0]
        for crosswalk in (GENDER_LEGACY, GENDER_SYNTHETIC)
        for term, reads in crosswalk.reads.items()
    }
    value = known(column)
    lowered = value.str.to_lowercase()
    return pl.when(lowered.is_in(list(codes))).then(lowered.replace(codes)).otherwise(value)


def with_relationships_and_country(cases: pl.DataFrame) -> pl.DataFrame:
    """The cases with what CTDC keeps of their perpetrators and events: every relationship to the victim, and
    the country of the first exploitation (CTDC has one country of exploitation)."""
    return cases.with_columns(
        perpetrator_values("relationship").alias("relationships"),
        event_values("Exploitation", "country").list.first().fill_null("").alias("exploitation_country"),
    )


def _industries() -> pl.Expr:
    """A case's forced-labour industry as a list of codes, empty when it has none."""
    industry = pl.col("forced_labour_industry").fill_null("")
    return pl.when(industry != "").then(pl.concat_list(industry)).otherwise(pl.lit([], dtype=pl.List(pl.String)))


class CtdcFormat(ExchangeFormat):
    """What the two CTDC files share: flags for the coded fields, no identities, no JSON."""

    KINDS = ("csv", "xlsx")
    IDENTITIES = False
    REQUIRED = ("yearOfRegistration",)
    HEADER: ClassVar[tuple[str, ...]]
    CONTROL: ClassVar[FlagGroup]
    EXPLOITATION: ClassVar[FlagGroup]
    LABOUR: ClassVar[FlagGroup]
    SEX: ClassVar[FlagGroup]
    RELATION: ClassVar[FlagGroup]

    def source_columns(self, header: list[str]) -> dict[str, str]:
        match = self.match(header)
        sources = {
            "registration_date": "yearOfRegistration",
            "prs_Gender": "gender",
            "prs_Citizenship": "citizenship",
            "exploitation_country": "CountryOfExploitation",
            "source_record_id": "yearOfRegistration",
        }
        return {amparo: match.cell(column) or column for amparo, column in sources.items()}

    def to_amparo(self, table: Table, context: ImportContext) -> pl.DataFrame:
        named = self.file_columns(table.header)
        frame = table.frame.select([pl.col(cell).alias(column) for cell, column in named.items()] + [pl.col(ROW)])
        present = set(named.values())

        def text(column: str) -> pl.Expr:
            return known(column) if column in present else pl.lit("")

        year = known("yearOfRegistration")
        industry = self.LABOUR.read(present)
        return frame.select(
            pl.col(ROW),
            pl.format("ctdc-{}-{}", pl.lit(context.sha256[:12]), pl.col(ROW)).alias("source_record_id"),
            pl.when(year.str.contains(r"^\d{4}(\.0)?$"))
            .then(year.str.slice(0, 4) + "-01-01")
            .otherwise(year)
            .alias("registration_date"),
            (_gender("gender") if "gender" in present else pl.lit("")).alias("prs_Gender"),
            text("citizenship").alias("prs_Citizenship"),
            text("CountryOfExploitation").alias("exploitation_country"),
            self.CONTROL.read(present).list.join(";").alias("vic_MethodsOfControl"),
            self.EXPLOITATION.read(present).list.join(";").alias("vic_TypeOfExploitation"),
            self.SEX.read(present).list.join(";").alias("vic_TypeOfSexExploitation"),
            # One industry flag says the industry; several say no single one.
            pl.when(industry.list.len() == 1)
            .then(industry.list.first())
            .otherwise(pl.lit(""))
            .alias("vic_ForcedLabourIndustry"),
            self.RELATION.read(present).list.join(";").alias("recruiter_relationship"),
        )

    def _flags(self, cases: pl.DataFrame, coding: FlagCoding) -> pl.DataFrame:
        """Every flag column of the file for the cases (with_relationships_and_country), by group."""
        return cases.select(
            *self.CONTROL.write(pl.col("control_methods"), coding),
            *self.EXPLOITATION.write(pl.col("exploitation_types"), coding),
            *self.LABOUR.write(_industries(), coding),
            *self.SEX.write(pl.col("sex_exploitation_types"), coding),
            *self.RELATION.write(pl.col("relationships"), coding),
        )
