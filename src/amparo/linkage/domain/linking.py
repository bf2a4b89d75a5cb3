"""Link records: score the candidate pairs, then group them into people, respecting people's decisions."""

from dataclasses import dataclass
from itertools import pairwise

import polars as pl

from amparo.linkage.domain import engine
from amparo.linkage.domain.clusters import ACCEPT, Decision, cluster


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities: pairs at or above `link` are the same person; pairs from `review` up to
    `link` wait for a person to decide; pairs below `review` are different people."""

    link: float = 0.9
    review: float = 0.5

    def __post_init__(self):
        if not 0 < self.review <= self.link <= 1:
            raise ValueError(
                f"thresholds must satisfy 0 < review <= link <= 1; got review={self.review}, link={self.link}"
            )


DEFAULT_THRESHOLDS = Thresholds()


@dataclass
class Linked:
    pairs: pl.DataFrame  # the scored pairs at or above the review threshold: ids, match weight and probability
    clusters: pl.DataFrame  # unique_id, cluster_id (the smallest unique_id of the cluster)
    model: dict
    candidate_pairs: int | None  # None when not counted (linking new records)


def link(
    records: pl.DataFrame,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    decisions: list[Decision] = (),
    model: dict | None = None,
    seed: int = engine.SEED,
    backend: engine.Backend = engine.DEFAULT_BACKEND,
) -> Linked:
    """Link `records` (records.RECORD_SCHEMA) on `backend`; train a model on them unless `model` is given."""
    scored = engine.score(records, model=model, threshold=thresholds.review, seed=seed, backend=backend)
    clusters = cluster(records["unique_id"], scored.pairs, threshold=thresholds.link, decisions=decisions)
    return Linked(pairs=scored.pairs, clusters=clusters, model=scored.model, candidate_pairs=scored.candidate_pairs)


def link_new(
    existing: pl.DataFrame,
    clusters: pl.DataFrame,
    new: pl.DataFrame,
    *,
    model: dict,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    decisions: list[Decision] = (),
    backend: engine.Backend = engine.DEFAULT_BACKEND,
) -> Linked:
    """Link `new` records to the clusters (unique_id, cluster_id) of `existing` ones, scoring only the pairs
    a new record is in. The clusters returned are those of the new records and of every existing cluster
    a new record was scored against (they may merge); the others stay as they were."""
    pairs = engine.score_new(existing, new, model=model, threshold=thresholds.review, backend=backend)
    scored_ids = pl.concat([pairs["unique_id_l"], pairs["unique_id_r"]]).unique()
    touched = clusters.filter(
        pl.col("cluster_id").is_in(
            clusters.filter(pl.col("unique_id").is_in(scored_ids.implode()))["cluster_id"].implode()
        )
    )
    # An existing cluster stays whole: its members are tied together as if a person had accepted them.
    together = [
        Decision(first, second, ACCEPT)
        for members in touched.group_by("cluster_id").agg(pl.col("unique_id").sort())["unique_id"].to_list()
        for first, second in pairwise(members)
    ]
    ids = pl.concat([new["unique_id"], touched["unique_id"]]).unique()
    found = cluster(ids, pairs, threshold=thresholds.link, decisions=[*decisions, *together])
    return Linked(pairs=pairs, clusters=found, model=model, candidate_pairs=None)
