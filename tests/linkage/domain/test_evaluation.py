"""Pairwise accuracy and the count of people, checked on hand-counted clusterings."""

import polars as pl
import pytest

from amparo.linkage.domain.evaluation import accuracy

TRUTH = pl.DataFrame({"unique_id": [1, 2, 3, 4, 5], "person": ["a", "a", "a", "b", "c"]})


def _found(clusters: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"unique_id": [1, 2, 3, 4, 5], "cluster_id": clusters})


def test_a_perfect_linkage():
    result = accuracy(_found([1, 1, 1, 4, 5]), TRUTH)
    assert (result.precision, result.recall, result.f1, result.people_error) == (1, 1, 1, 0)


def test_a_split_and_a_wrong_merge_counted_by_hand():
    # Found {1,2} {3,4} {5}: pairs 1-2 (right) and 3-4 (wrong); true pairs 1-2, 1-3, 2-3.
    result = accuracy(_found([1, 1, 3, 3, 5]), TRUTH)
    assert result.precision == 0.5
    assert result.recall == pytest.approx(1 / 3)
    assert result.f1 == pytest.approx(0.4)
    assert (result.found_people, result.true_people, result.people_error) == (3, 3, 0)


def test_unlinked_records_overcount_people():
    result = accuracy(_found([1, 2, 3, 4, 5]), TRUTH)
    assert result.people_error == pytest.approx(2 / 3)
    assert result.recall == 0 and result.precision == 1


def test_clusters_of_other_records_are_refused():
    with pytest.raises(ValueError, match="same records"):
        accuracy(_found([1, 1, 1, 4, 5]).head(4), TRUTH)
