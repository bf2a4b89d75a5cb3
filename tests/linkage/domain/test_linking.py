"""Linking the synthetic sources of 2010 finds close to the true number of victims, the same way every time."""

import polars as pl
import pytest

from amparo.linkage.domain.linking import Thresholds, link


@pytest.fixture(scope="module")
def linked(sources_2010, trained_model):
    records, _ = sources_2010
    return link(records)


def test_the_count_of_victims_is_within_two_percent_of_the_truth(sources_2010, linked):
    records, truth = sources_2010
    true_people = truth["person"].n_unique()
    assert records.height > 1.5 * true_people  # the sources overlap: counting reports would overcount a lot
    assert abs(linked.clusters["cluster_id"].n_unique() - true_people) <= 0.02 * true_people


def test_records_of_one_cluster_are_nearly_always_one_person(sources_2010, linked):
    _, truth = sources_2010
    joined = linked.clusters.join(truth, on="unique_id")
    people_per_cluster = joined.group_by("cluster_id").agg(pl.col("person").n_unique())
    assert (people_per_cluster["person"] > 1).sum() <= 0.01 * people_per_cluster.height
    clusters_per_person = joined.group_by("person").agg(pl.col("cluster_id").n_unique())
    assert (clusters_per_person["cluster_id"] > 1).sum() <= 0.02 * clusters_per_person.height


def test_a_run_is_reproducible(sources_2010, linked):
    records, _ = sources_2010
    again = link(records)
    assert again.model == linked.model
    assert again.clusters.sort("unique_id").equals(linked.clusters.sort("unique_id"))


def test_a_stored_model_links_without_training(sources_2010, linked):
    records, _ = sources_2010
    reused = link(records, model=linked.model)
    assert reused.clusters.sort("unique_id").equals(linked.clusters.sort("unique_id"))


def test_pairs_below_the_review_threshold_are_not_kept(linked):
    assert linked.pairs["match_probability"].min() >= Thresholds().review
    assert linked.candidate_pairs >= linked.pairs.height


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError, match="review <= link"):
        Thresholds(link=0.5, review=0.9)
