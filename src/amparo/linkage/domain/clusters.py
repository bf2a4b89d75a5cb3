"""From scored pairs to people: clusters of records, with people's decisions respected.

A pair a person accepted is always linked; a pair a person rejected is never in
one cluster, not even through a third record. Scored pairs at or above the
threshold join clusters from the strongest to the weakest, and a join that
would put a rejected pair together is skipped, so one wrong link cannot chain
two people who were told apart.
"""

from dataclasses import dataclass

import polars as pl

ACCEPT = "accept"
REJECT = "reject"


@dataclass(frozen=True)
class Decision:
    """A person's verdict on two records: the same person (ACCEPT) or different people (REJECT)."""

    first: int
    second: int
    verdict: str


class _Clusters:
    """Union-find over record ids, each cluster remembering the clusters it may never join."""

    def __init__(self, ids):
        self.parent = {i: i for i in ids}
        self.apart: dict[int, set[int]] = {}

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def keep_apart(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return True
        apart_a, apart_b = self.apart.get(ra, set()), self.apart.get(rb, set())
        if any(self.root(x) == rb for x in apart_a) or any(self.root(x) == ra for x in apart_b):
            return False
        if len(apart_a) < len(apart_b):
            ra, rb, apart_a, apart_b = rb, ra, apart_b, apart_a
        self.parent[rb] = ra
        if apart_b:
            self.apart[ra] = apart_a | apart_b
            self.apart.pop(rb, None)
        return True


def cluster(ids: pl.Series, pairs: pl.DataFrame, *, threshold: float, decisions: list[Decision] = ()) -> pl.DataFrame:
    """Each id with its cluster (the smallest id in it), from `pairs` (unique_id_l, unique_id_r,
    match_weight, match_probability) at or above `threshold` and from people's decisions.

    Decisions about ids not in `ids` are ignored: the record is gone. Where decisions contradict each
    other (A-B and B-C accepted, A-C rejected), the rejection wins."""
    known = set(ids.to_list())
    clusters = _Clusters(known)
    relevant = [d for d in decisions if d.first in known and d.second in known]
    for decision in relevant:
        if decision.verdict == REJECT:
            clusters.keep_apart(decision.first, decision.second)
    for decision in relevant:
        if decision.verdict == ACCEPT:
            clusters.join(decision.first, decision.second)
    strong = pairs.filter(pl.col("match_probability") >= threshold).sort(
        "match_weight", "unique_id_l", "unique_id_r", descending=[True, False, False]
    )
    for left, right in strong.select("unique_id_l", "unique_id_r").iter_rows():
        clusters.join(left, right)
    frame = pl.DataFrame(
        {"unique_id": list(known), "root": [clusters.root(i) for i in known]},
        schema={"unique_id": pl.Int64, "root": pl.Int64},
    )
    return frame.with_columns(cluster_id=pl.col("unique_id").min().over("root")).select("unique_id", "cluster_id")
