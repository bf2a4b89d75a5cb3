"""count_by over a generated registry agrees with an independent Polars computation over the same records."""

import random
from datetime import date

import polars as pl
import pytest

from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register
from amparo.stats import engine
from amparo.stats.engine import CaseFilter

PLACES = ["150101", "150132", "1501", "150501", "070101", "080101", "170101", "160101", "250101", "08", ""]
GENDERS = ["Feminine", "Feminine", "Masculine", "NonConforming", ""]
EXPLOITATION = ["SexualExploitation", "ForcedLabour", "ChildLabour", "ForcedBegging"]
RELATIONSHIPS = [
    "parent",
    "step_parent",
    "sibling",
    "uncle_aunt",
    "intimate_partner",
    "friend_acquaintance",
    "employer",
    "stranger",
    "unknown",
]
RELATIVES = {"parent", "step_parent", "sibling", "grandparent", "uncle_aunt", "other_relative"}  # written out here


def generated_records(n: int, seed: int = 11) -> list[CaseRecord]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        place = rng.choice(PLACES)
        records.append(
            CaseRecord(
                source_record_id=f"G{i}",
                registration_date=date(rng.randint(2010, 2014), rng.randint(1, 12), rng.randint(1, 28)),
                victim=PersonRecord(gender=rng.choice(GENDERS)),
                age_when_trafficked=None if rng.random() < 0.1 else rng.randint(0, 70),
                exploitation_types=rng.sample(EXPLOITATION, rng.choice([0, 1, 1, 1, 2])),
                perpetrators=[
                    PerpetratorRecord(rng.choice(RELATIONSHIPS), rng.random() < 0.05)
                    for _ in range(rng.choice([0, 1, 1, 2, 3]))
                ],
                events=[EventRecord("Exploitation", place)] if place else [],
            )
        )
    return records


def frame_of(records: list[CaseRecord]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [r.source_record_id for r in records],
            "year": [str(r.registration_date.year) for r in records],
            "department": [r.events[0].ubigeo[:2] if r.events else "unknown" for r in records],
            "sex": [r.victim.gender or "unknown" for r in records],
            "age": [r.age_when_trafficked for r in records],
            "exploitation": [r.exploitation_types or ["unknown"] for r in records],
            "recruiter_relationship": [
                sorted({p.relationship for p in r.perpetrators}) or ["unknown"] for r in records
            ],
            "ff": [any(p.relationship in RELATIVES or p.lives_in_household for p in r.perpetrators) for r in records],
        },
        schema_overrides={"age": pl.Int64},
    ).with_columns(
        age_group=pl.when(pl.col("age").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("age") <= 12)
        .then(pl.lit("0-12"))
        .when(pl.col("age") <= 17)
        .then(pl.lit("13-17"))
        .when(pl.col("age") <= 24)
        .then(pl.lit("18-24"))
        .when(pl.col("age") <= 34)
        .then(pl.lit("25-34"))
        .otherwise(pl.lit("35+")),
        minor=pl.when(pl.col("age").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("age") < 18)
        .then(pl.lit("minor"))
        .otherwise(pl.lit("adult")),
    )


def polars_counts(frame: pl.DataFrame, column: str) -> dict[str, tuple[int, int]]:
    if frame.schema[column] == pl.List(pl.String):
        frame = frame.explode(column, empty_as_null=False)
    grouped = frame.group_by(column).agg(pl.col("id").n_unique().alias("n"), pl.col("ff").sum().alias("f"))
    return {row[column]: (row["n"], row["f"]) for row in grouped.iter_rows(named=True)}


@pytest.fixture
def generated(db):
    records = generated_records(1200)
    cases_register(
        records=records, source=Organisation.objects.create(name="Generator", org_type="NGO"), is_synthetic=True
    )
    return frame_of(records)


def test_count_by_agrees_with_polars(generated):
    for dimension in ("year", "department", "sex", "age_group", "minor", "exploitation", "recruiter_relationship"):
        table = engine.count_by(dimension)
        counts = {r.key: (r.count, r.family_facilitated) for r in table.rows}
        assert counts == polars_counts(generated, dimension), dimension
        assert table.total == generated.height
        assert table.family_facilitated_total == generated["ff"].sum()
        assert [r.count for r in table.rows] == sorted((r.count for r in table.rows), reverse=True)


def test_count_by_for_one_year_agrees_with_polars(generated):
    one_year = generated.filter(pl.col("year") == "2012")
    for dimension in ("department", "exploitation", "recruiter_relationship"):
        table = engine.count_by(dimension, CaseFilter(years=(2012,)))
        counts = {r.key: (r.count, r.family_facilitated) for r in table.rows}
        assert counts == polars_counts(one_year, dimension), dimension
        for row in table.rows:
            assert row.share == pytest.approx(row.count / one_year.height)


def test_crosstab_agrees_with_polars(generated):
    table = engine.crosstab("department", "exploitation")
    exploded = generated.explode("exploitation", empty_as_null=False)
    expected = exploded.group_by("department", "exploitation").agg(pl.col("id").n_unique().alias("n"))
    for row in expected.iter_rows(named=True):
        assert table.cell(row["department"], row["exploitation"]) == row["n"]
    assert sum(map(sum, table.cells)) == exploded.height
