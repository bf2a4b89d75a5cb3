"""Scored pairs become people; what people decided always holds."""

import polars as pl

from amparo.linkage.domain.clusters import ACCEPT, REJECT, Decision, cluster


def _pairs(*rows: tuple[int, int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [(left, right, weight, 2**weight / (1 + 2**weight)) for left, right, weight in rows],
        schema={
            "unique_id_l": pl.Int64,
            "unique_id_r": pl.Int64,
            "match_weight": pl.Float64,
            "match_probability": pl.Float64,
        },
        orient="row",
    )


def _groups(frame: pl.DataFrame) -> set[frozenset[int]]:
    return {frozenset(ids) for ids in frame.group_by("cluster_id").agg("unique_id")["unique_id"].to_list()}


IDS = pl.Series([1, 2, 3, 4, 5])


def test_pairs_above_the_threshold_join_and_chain():
    found = cluster(IDS, _pairs((1, 2, 10.0), (2, 3, 8.0), (4, 5, 1.0)), threshold=0.9)
    assert _groups(found) == {frozenset({1, 2, 3}), frozenset({4}), frozenset({5})}


def test_a_cluster_is_named_by_its_smallest_id():
    found = cluster(IDS, _pairs((5, 3, 10.0)), threshold=0.9)
    assert dict(found.iter_rows()) == {1: 1, 2: 2, 3: 3, 4: 4, 5: 3}


def test_a_rejected_pair_is_never_linked_not_even_through_a_third_record():
    pairs = _pairs((1, 2, 12.0), (2, 3, 11.0), (1, 3, 10.0))
    found = cluster(IDS, pairs, threshold=0.9, decisions=[Decision(1, 3, REJECT)])
    assert _groups(found) == {frozenset({1, 2}), frozenset({3}), frozenset({4}), frozenset({5})}


def test_an_accepted_pair_is_linked_whatever_its_score():
    found = cluster(IDS, _pairs((4, 5, -20.0)), threshold=0.9, decisions=[Decision(4, 5, ACCEPT)])
    assert frozenset({4, 5}) in _groups(found)


def test_a_rejection_wins_over_accepted_pairs_that_contradict_it():
    decisions = [Decision(1, 2, ACCEPT), Decision(2, 3, ACCEPT), Decision(1, 3, REJECT)]
    found = cluster(IDS, _pairs(), threshold=0.9, decisions=decisions)
    cluster_of = dict(found.iter_rows())
    assert cluster_of[1] != cluster_of[3]


def test_decisions_about_records_that_are_gone_are_ignored():
    found = cluster(IDS, _pairs(), threshold=0.9, decisions=[Decision(1, 99, ACCEPT), Decision(2, 98, REJECT)])
    assert found.height == 5 and found["cluster_id"].n_unique() == 5
