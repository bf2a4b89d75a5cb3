"""CTDC's legacy k-anonymised Global Dataset: 62-63 columns, `0`/`1` flags, `-99` or empty for missing.

It has no record identifier and only the year of registration: an imported row
gets the identifier `ctdc-<first 12 hex of the file's SHA-256>-<row>` (stable, so
re-importing the same file changes nothing) and the registration date 1 January
of its year. Age bands, the data source and flags no Amparo code stands for stay
in the original row kept with the case.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import age_bands
from amparo.exchange.domain.readers import ROW, Table
from amparo.exchange.formats import ctdc

NAME = "ctdc-legacy"
LABEL = _("CTDC legacy global dataset")

CONTROL_FLAGS = list(ctdc.CONTROL)
EXPLOIT_FLAGS = list(ctdc.EXPLOITATION)
LABOUR_FLAGS = list(ctdc.LABOUR)
SEX_FLAGS = list(ctdc.SEX)
RELATION_FLAGS = ["IntimatePartner", "Friend", "Family", "Other", "Unknown"]

HEADER: tuple[str, ...] = (
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "majorityStatusAtExploit",
    "majorityEntry", "citizenship",
    *(f"meansOfControl{f}" for f in CONTROL_FLAGS), "meansOfControlConcatenated",
    *(f"is{f}" for f in EXPLOIT_FLAGS), "typeOfExploitConcatenated",
    *(f"typeOfLabour{f}" for f in LABOUR_FLAGS), "typeOfLabourConcatenated",
    *(f"typeOfSex{f}" for f in SEX_FLAGS), "typeOfSexConcatenated",
    "isAbduction", "RecruiterRelationship", "CountryOfExploitation",
    *(f"recruiterRelation{f}" for f in RELATION_FLAGS),
)
REQUIRED = ("yearOfRegistration",)


def score(header: list[str]) -> float:
    known = set(HEADER)
    if "yearOfRegistration" not in header or "Datasource" not in header:
        return 0.0
    return sum(cell in known for cell in header) / len(header)


def source_columns(header: list[str]) -> dict[str, str]:
    return {"registration_date": "yearOfRegistration", "prs_Gender": "gender", "prs_Citizenship": "citizenship",
            "exploitation_country": "CountryOfExploitation", "source_record_id": "yearOfRegistration"}


def to_amparo(table: Table, context) -> pl.DataFrame:
    from amparo.exchange.formats import require

    require(table.header, set(table.header), REQUIRED, str(LABEL))
    present = table.header
    year = ctdc.known("yearOfRegistration")
    industries = [pl.when(ctdc.is_set(f"typeOfLabour{f}")).then(pl.lit(code)).otherwise(pl.lit(None))
                  for f, code in ctdc.LABOUR.items() if code and f"typeOfLabour{f}" in present]
    industry = (pl.concat_list(industries).list.drop_nulls().list.unique() if industries else pl.lit([], pl.List(pl.String)))
    relations = [pl.when(ctdc.is_set(f"recruiterRelation{f}")).then(pl.lit(code)).otherwise(pl.lit(None))
                 for f, code in ctdc.RELATION_IMPORT.items() if f"recruiterRelation{f}" in present]
    gender = ctdc.known("gender") if "gender" in present else pl.lit("")
    return table.frame.select(
        pl.col(ROW),
        pl.format("ctdc-{}-{}", pl.lit(context.sha256[:12]), pl.col(ROW)).alias("source_record_id"),
        pl.when(year.str.contains(r"^\d{4}(\.0)?$")).then(year.str.slice(0, 4) + "-01-01").otherwise(year)
        .alias("registration_date"),
        gender.map_elements(lambda g: ctdc.GENDER_IMPORT.get(g.strip().lower(), g), return_dtype=pl.String)
        .alias("prs_Gender"),
        (ctdc.known("citizenship") if "citizenship" in present else pl.lit("")).alias("prs_Citizenship"),
        ctdc.codes_from_flags(present, ctdc.CONTROL, "meansOfControl").alias("vic_MethodsOfControl"),
        ctdc.codes_from_flags(present, ctdc.EXPLOITATION, "is").alias("vic_TypeOfExploitation"),
        ctdc.codes_from_flags(present, ctdc.SEX, "typeOfSex").alias("vic_TypeOfSexExploitation"),
        pl.when(industry.list.len() == 1).then(industry.list.first()).otherwise(pl.lit(""))
        .alias("vic_ForcedLabourIndustry"),
        (pl.concat_list(relations).list.drop_nulls().list.unique(maintain_order=True).list.join(";")
         if relations else pl.lit("")).alias("recruiter_relationship"),
        (ctdc.known("CountryOfExploitation") if "CountryOfExploitation" in present else pl.lit(""))
        .alias("exploitation_country"),
    )


def _age_broad(age: int | None) -> str:
    return ctdc.MISSING if age is None else age_bands.band_for(age, age_bands.CTDC_AGE_BROAD)


def _concatenated(flags: list[pl.Series], prefix: str, labels: dict[str, str] | None = None) -> pl.Series:
    names = [s.name for s in flags]
    frame = pl.DataFrame(flags)
    parts = [pl.when(pl.col(n) == "1").then(pl.lit((labels or {}).get(n[len(prefix):], n[len(prefix):])))
             for n in names]
    joined = frame.select(pl.concat_list(parts).list.drop_nulls().list.join(";").alias("v"))["v"]
    return joined.replace("", ctdc.MISSING)


def from_cases(cases: pl.DataFrame, include_identities: bool = False) -> pl.DataFrame:
    """Cases as legacy CTDC rows, column for column (identities never appear in CTDC files)."""
    cases = ctdc.with_relationships_and_country(cases)
    control = ctdc.flag_group(cases, "control_methods",
                              {f: {c} if c else set() for f, c in ctdc.CONTROL.items()}, "meansOfControl", ctdc.MISSING)
    exploit = ctdc.flag_group(cases, "exploitation_types", {f: set(c) for f, c in ctdc.EXPLOITATION.items()
                                                            if f != "SexAndLabour"}, "is", ctdc.MISSING)
    both = cases["exploitation_types"].list.eval(pl.element().is_in(["SexualExploitation"])).list.any() & \
        cases["exploitation_types"].list.eval(pl.element().is_in(["ForcedLabour"])).list.any()
    has_exploit = cases["exploitation_types"].list.len() > 0
    sex_and_labour = pl.select(pl.when(~has_exploit).then(pl.lit(ctdc.MISSING)).when(both).then(pl.lit("1"))
                               .otherwise(pl.lit("0"))).to_series().alias("isSexAndLabour")
    exploit.insert(EXPLOIT_FLAGS.index("SexAndLabour"), sex_and_labour)
    industry_lists = cases.select(pl.concat_list(pl.col("forced_labour_industry")).list.eval(
        pl.element().filter(pl.element() != "")).alias("v"))["v"]
    labour_frame = pl.DataFrame({"industries": industry_lists})
    labour = ctdc.flag_group(labour_frame, "industries",
                             {f: {c} if c and f != "Aquafarming" else set() for f, c in ctdc.LABOUR.items()},
                             "typeOfLabour", ctdc.MISSING)
    sex = ctdc.flag_group(cases, "sex_exploitation_types", {f: {c} for f, c in ctdc.SEX.items()}, "typeOfSex",
                          ctdc.MISSING)
    relation = ctdc.flag_group(cases, "relationships", ctdc.relationship_flags(), "recruiterRelation", ctdc.MISSING)
    majority = cases["age_when_trafficked"].map_elements(age_bands.majority_status, return_dtype=pl.String,
                                                         skip_nulls=False)
    out = pl.DataFrame([
        cases["registration_date"].dt.year().cast(pl.String).alias("yearOfRegistration"),
        pl.repeat("Case Management", cases.height, eager=True, dtype=pl.String).alias("Datasource"),
        cases["gender"].replace_strict(ctdc.GENDER_LEGACY, default="Unknown").alias("gender"),
        cases["age_when_trafficked"].map_elements(_age_broad, return_dtype=pl.String, skip_nulls=False)
        .alias("ageBroad"),
        majority.replace("Minor", "Unknown").alias("majorityStatus"),
        majority.alias("majorityStatusAtExploit"),
        majority.alias("majorityEntry"),
        cases["citizenship"].replace("", ctdc.MISSING).alias("citizenship"),
        *control, _concatenated(control, "meansOfControl").alias("meansOfControlConcatenated"),
        *exploit, _concatenated(exploit, "is").alias("typeOfExploitConcatenated"),
        *labour, _concatenated(labour, "typeOfLabour").alias("typeOfLabourConcatenated"),
        *sex, _concatenated(sex, "typeOfSex").alias("typeOfSexConcatenated"),
        pl.repeat(ctdc.MISSING, cases.height, eager=True, dtype=pl.String).alias("isAbduction"),
        _concatenated(relation, "recruiterRelation", ctdc.RELATION_LABEL).alias("RecruiterRelationship"),
        cases["exploitation_country"].replace("", ctdc.MISSING).alias("CountryOfExploitation"),
        *relation,
    ])
    return out.select(HEADER)
