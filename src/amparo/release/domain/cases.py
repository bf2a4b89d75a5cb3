"""The cases a release publishes: one row per case, in the terms of the published files.

Built from the statistics snapshot's frames (cases, exploitation pairs,
relationship pairs), so a release counts exactly what the statistics count. A
missing value is "unknown", as in the statistics. A case's recruiter
relationship group is the closest group among its perpetrators (in the order
of the RELATIONSHIP_GROUP codelist: family first), so each case has one.
"""

import polars as pl

from amparo.core import codelists

UNKNOWN = "unknown"
EXPLOITATION_COLUMNS = tuple(f"exploitation_{code}" for code in codelists.EXPLOITATION_TYPE.values)
CATEGORY_COLUMNS = ("year", "sex", "citizenship", "department", "recruiter_relationship_group")
# One row per case: the categories, the age in years (null when unknown) and 0/1 flags.
CASE_TABLE_COLUMNS = (*CATEGORY_COLUMNS, "age", "family_facilitated", *EXPLOITATION_COLUMNS)


def _known(column: str, *unknown_codes: str) -> pl.Expr:
    value = pl.col(column).cast(pl.String)
    return pl.when(value.is_null() | value.is_in(["", *unknown_codes])).then(pl.lit(UNKNOWN)).otherwise(value)


def case_table(cases: pl.DataFrame, exploitation: pl.DataFrame, relationships: pl.DataFrame) -> pl.DataFrame:
    """One row per case of `cases` (snapshot columns), with the columns of CASE_TABLE_COLUMNS."""
    group_rank = {code: rank for rank, code in enumerate(codelists.RELATIONSHIP_GROUP.values)}
    group_of = {r.code: r.group for r in codelists.RELATIONSHIPS}
    closest = (
        relationships.select(
            "id", pl.col("code").cast(pl.String).replace_strict(group_of, default=UNKNOWN).alias("group")
        )
        .with_columns(pl.col("group").replace_strict(group_rank, return_dtype=pl.Int32).alias("rank"))
        .group_by("id")
        .agg(pl.col("group").sort_by("rank").first().alias("recruiter_relationship_group"))
    )
    flags = (
        exploitation.select("id", pl.col("code").cast(pl.String))
        .filter(pl.col("code").is_in(codelists.EXPLOITATION_TYPE.values))
        .with_columns(pl.lit(1, pl.Int8).alias("flag"))
        .pivot(on="code", index="id", values="flag")
    )
    missing_flags = [code for code in codelists.EXPLOITATION_TYPE.values if code not in flags.columns]
    flags = flags.with_columns(pl.lit(None, pl.Int8).alias(code) for code in missing_flags)
    flags = flags.select(
        pl.col("id").cast(cases.schema["id"]),
        *(
            pl.col(code).fill_null(0).cast(pl.Int8).alias(f"exploitation_{code}")
            for code in codelists.EXPLOITATION_TYPE.values
        ),
    )
    table = (
        cases.select(
            "id",
            _known("year").alias("year"),
            _known("gender", codelists.GENDER_UNKNOWN).alias("sex"),
            _known("citizenship").alias("citizenship"),
            _known("department_code").alias("department"),
            pl.col("age").cast(pl.Int16),
            pl.col("family_facilitated").cast(pl.Int8),
        )
        .join(closest.with_columns(pl.col("id").cast(cases.schema["id"])), on="id", how="left")
        .join(flags, on="id", how="left")
        .with_columns(
            pl.col("recruiter_relationship_group").fill_null(UNKNOWN), pl.col(*EXPLOITATION_COLUMNS).fill_null(0)
        )
    )
    return table.sort("id").select(CASE_TABLE_COLUMNS)
