"""The Spark engine (Spark's local mode, one session for the module) links as DuckDB does."""

import shutil

import polars as pl
import pytest

from amparo.linkage.domain import engine
from amparo.linkage.domain.linking import link, link_new

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (openjdk-17-jre-headless)")


@pytest.fixture(scope="module")
def spark():
    from amparo.linkage.domain.spark import Spark, spark_session

    with spark_session("local[2]") as session:
        yield Spark(session)


def test_the_same_model_gives_the_same_pairs_and_clusters_on_spark_as_on_duckdb(sources_2010, trained_model, spark):
    records, _ = sources_2010
    on_duckdb = link(records, model=trained_model)
    on_spark = link(records, model=trained_model, backend=spark)

    assert on_spark.candidate_pairs == on_duckdb.candidate_pairs
    pairs = on_duckdb.pairs.join(on_spark.pairs, on=["unique_id_l", "unique_id_r"], how="full", coalesce=True)
    assert pairs.height == on_duckdb.pairs.height == on_spark.pairs.height > 200
    assert (pairs["match_probability"] - pairs["match_probability_right"]).abs().max() < 1e-9
    gammas = [name for name in on_duckdb.pairs.columns if name.startswith("gamma_")]
    assert all((pairs[name] == pairs[f"{name}_right"]).all() for name in gammas)  # every level, every comparison
    assert on_spark.clusters.sort("unique_id").equals(on_duckdb.clusters.sort("unique_id"))


def test_new_records_link_to_the_same_victims_on_spark_as_on_duckdb(sources_2010, trained_model, spark):
    records, _ = sources_2010
    existing, new = records.head(records.height - 50), records.tail(50)
    clusters = link(existing, model=trained_model).clusters
    on_duckdb = link_new(existing, clusters, new, model=trained_model)
    on_spark = link_new(existing, clusters, new, model=trained_model, backend=spark)

    assert on_spark.pairs.sort("unique_id_l", "unique_id_r")[["unique_id_l", "unique_id_r"]].equals(
        on_duckdb.pairs.sort("unique_id_l", "unique_id_r")[["unique_id_l", "unique_id_r"]]
    )
    assert on_duckdb.pairs.height > 20
    assert on_spark.clusters.sort("unique_id").equals(on_duckdb.clusters.sort("unique_id"))


def test_a_model_saved_in_duckdb_sql_is_rewritten_for_spark_with_its_parameters(trained_model):
    rewritten = engine.in_dialect(trained_model, "spark")

    assert rewritten["sql_dialect"] == "spark"
    assert rewritten["probability_two_random_records_match"] == trained_model["probability_two_random_records_match"]
    for mine, theirs in zip(rewritten["comparisons"], trained_model["comparisons"], strict=True):
        for level, trained in zip(mine["comparison_levels"], theirs["comparison_levels"], strict=True):
            assert level.get("m_probability") == trained.get("m_probability")
            assert level.get("u_probability") == trained.get("u_probability")
    surnames = next(c for c in rewritten["comparisons"] if c["output_column_name"] == "surnames")
    assert "`surname_key_l`" in surnames["comparison_levels"][1]["sql_condition"]  # Spark quotes names so


def test_a_model_of_other_comparisons_is_refused_rather_than_misread(trained_model):
    given_names, *others = trained_model["comparisons"]
    shorter = {**given_names, "comparison_levels": given_names["comparison_levels"][:-1]}
    other = {**trained_model, "comparisons": [shorter, *others]}

    with pytest.raises(ValueError, match="given_names.*train a new model"):
        engine.in_dialect(other, "spark")


def test_records_are_not_left_in_sparks_cache_or_views_after_a_step(spark, sources_2010):
    records, _ = sources_2010
    with spark.database() as database:
        database.api.register(records.to_arrow(), table_name="records")
        assert [t.name for t in spark.session.catalog.listTables()] == ["records"]
    assert spark.session.catalog.listTables() == []
    assert isinstance(pl.from_arrow(spark.session.sql("SELECT 1 AS one").toArrow()), pl.DataFrame)
