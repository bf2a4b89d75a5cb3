"""k-anonymity by an optimal search of the generalisation lattice, with local suppression.

Every column is a quasi-identifier with a generalisation hierarchy: a list of
levels from the exact value to ever coarser labels, the last level hiding the
value altogether. A node of the lattice picks one level per column (full-domain
generalisation: every row of a column at the same level, as ARX does). A node is
*k-anonymous* when the rows whose combination of generalised values occurs fewer
than k times are at most `max_suppression` of the table: those rows are
suppressed (left out of the output), every remaining combination occurs at
least k times.

Information loss is the Loss Metric of Iyengar (2002), averaged over rows and
(weighted) columns: a value generalised to a label that covers g of the column's N
possible values loses (g - 1) / (N - 1); a suppressed row loses 1 in every
column. The loss of a node without its suppression (every row counted at its
generalised value) is a lower bound of its total loss, and it grows along every
path up the lattice. So the search visits nodes in increasing order of that
bound and stops as soon as the bound reaches the best total loss found: every
node left unvisited is provably no better (branch and bound, the optimality
argument of Flash and OLA for monotone metrics). k-anonymity is monotone too:
a generalisation of a k-anonymous node is k-anonymous (classes only merge), so
once a node fails, none of its specialisations is evaluated.

The table is first reduced to its distinct rows with their multiplicities, and
a node is evaluated with integer arrays (one key per distinct row), so a
30,000-row table costs a millisecond or two per node.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

SUPPRESSED = ""
DEFAULT_MAX_SUPPRESSION = 0.05


class AnonymisationError(ValueError):
    """Input the search cannot anonymise: what was given and what was expected."""


@dataclass(frozen=True)
class Generalised:
    label: str
    covers: int  # how many of the column's possible values the label stands for


@dataclass(frozen=True)
class Hierarchy:
    """How one column is generalised.

    ``levels`` names the levels from the exact value up, without the final suppression level,
    which every hierarchy has. ``generalise(value, level)`` gives the label of a value at a level
    and how many possible values it covers; ``domain_size`` is the number of possible values.
    ``weight`` says how much the column's loss counts beside the others' (ARX's attribute weights).
    """

    column: str
    levels: tuple[str, ...]
    generalise: Callable[[str, int], Generalised]
    domain_size: int
    weight: float = 1.0

    @property
    def heights(self) -> int:
        """Levels including the suppression level."""
        return len(self.levels) + 1

    def level_name(self, level: int) -> str:
        return self.levels[level] if level < len(self.levels) else "suppressed"

    def at(self, value: str, level: int) -> Generalised:
        if level == len(self.levels):
            return Generalised(SUPPRESSED, self.domain_size)
        return self.generalise(value, level)

    def loss(self, value: str, level: int) -> float:
        if self.domain_size <= 1:
            return 0.0 if level < len(self.levels) else 1.0
        return (self.at(value, level).covers - 1) / (self.domain_size - 1)


@dataclass(frozen=True)
class Anonymisation:
    """The chosen generalisation and the k-anonymous table it gives."""

    frame: pl.DataFrame  # generalised labels, suppressed rows left out, sorted (no row order to link on)
    k: int
    node: tuple[int, ...]
    levels: dict[str, str]  # column -> name of its chosen level
    rows: int
    suppressed: int
    loss: float  # mean information loss over rows and columns, suppressed rows counting 1
    generalisation_loss: float  # the same, had no row been suppressed
    nodes_evaluated: int
    lattice_size: int

    @property
    def suppressed_share(self) -> float:
        return self.suppressed / self.rows if self.rows else 0.0


@dataclass
class _Encoded:
    """The table as distinct rows: per column and level, each distinct row's group id and loss."""

    weights: np.ndarray
    groups: list[list[np.ndarray]]  # [column][level] -> group id per distinct row
    group_counts: list[list[int]]
    losses: list[list[np.ndarray]]  # [column][level] -> loss per distinct row
    bounds: list[np.ndarray]  # [column] -> lower-bound loss per level, over all rows, weighted
    weights_of_columns: np.ndarray  # summing to 1


def _encode(frame: pl.DataFrame, hierarchies: list[Hierarchy]) -> _Encoded:
    distinct = frame.group_by([h.column for h in hierarchies]).len()
    weights = distinct["len"].to_numpy().astype(np.int64)
    total = weights.sum()
    column_weights = np.array([h.weight for h in hierarchies]) / sum(h.weight for h in hierarchies)
    groups, group_counts, losses, bounds = [], [], [], []
    for hierarchy, column_weight in zip(hierarchies, column_weights):
        values, codes = np.unique(distinct[hierarchy.column].to_numpy().astype(str), return_inverse=True)
        column_groups, column_counts, column_losses = [], [], []
        for level in range(hierarchy.heights):
            labels = [hierarchy.at(value, level).label for value in values]
            _, label_ids = np.unique(labels, return_inverse=True)
            column_groups.append(label_ids[codes].astype(np.int64))
            column_counts.append(int(label_ids.max()) + 1)
            column_losses.append(column_weight * np.array([hierarchy.loss(value, level) for value in values])[codes])
        groups.append(column_groups)
        group_counts.append(column_counts)
        losses.append(column_losses)
        bounds.append(np.array([(weights * column_losses[level]).sum() / total for level in range(hierarchy.heights)]))
    return _Encoded(weights, groups, group_counts, losses, bounds, column_weights)


def _class_sizes(encoded: _Encoded, node: tuple[int, ...]) -> np.ndarray:
    """For each distinct row, how many rows share its generalised combination under this node."""
    key = np.zeros(len(encoded.weights), dtype=np.int64)
    for column, level in enumerate(node):
        key = key * encoded.group_counts[column][level] + encoded.groups[column][level]
    _, inverse = np.unique(key, return_inverse=True)
    sizes = np.bincount(inverse, weights=encoded.weights)
    return sizes[inverse]


def anonymise(
    frame: pl.DataFrame, hierarchies: list[Hierarchy], k: int, max_suppression: float = DEFAULT_MAX_SUPPRESSION
) -> Anonymisation:
    """The k-anonymous generalisation of `frame` (string columns, one per hierarchy) of least information
    loss, suppressing at most `max_suppression` of its rows."""
    columns = [h.column for h in hierarchies]
    if set(columns) != set(frame.columns) or len(columns) != len(frame.columns):
        raise AnonymisationError(f"expected one hierarchy per column of {frame.columns}, got {columns}")
    if k < 1:
        raise AnonymisationError(f"k must be at least 1, not {k}")
    if k > frame.height:
        raise AnonymisationError(f"k = {k} is larger than the {frame.height} rows to publish")
    if not 0 <= max_suppression < 1:
        raise AnonymisationError(f"the share of rows suppressed must be in [0, 1), not {max_suppression}")
    encoded = _encode(frame, hierarchies)
    rows = frame.height
    allowed = int(np.floor(max_suppression * rows))
    heights = [h.heights for h in hierarchies]
    nodes = list(itertools.product(*(range(height) for height in heights)))
    bound_of = {node: float(sum(encoded.bounds[c][level] for c, level in enumerate(node))) for node in nodes}
    nodes.sort(key=lambda node: (bound_of[node], sum(node), node))

    failed = np.empty((0, len(heights)), dtype=np.int64)
    best: tuple[float, tuple[int, ...], np.ndarray] | None = None
    evaluated = 0
    for node in nodes:
        if best is not None and bound_of[node] >= best[0]:
            break  # every remaining node loses at least this much: none beats the best
        vector = np.array(node)
        if len(failed) and (vector <= failed).all(axis=1).any():
            continue  # a specialisation of a node that is not k-anonymous is not either
        evaluated += 1
        small = _class_sizes(encoded, node) < k
        suppressed = int(encoded.weights[small].sum())
        if suppressed > allowed:
            failed = np.vstack([failed, vector])
            continue
        kept_loss = sum(encoded.losses[c][level] for c, level in enumerate(node))
        loss = float((encoded.weights * np.where(small, 1.0, kept_loss)).sum() / rows)
        if best is None or loss < best[0]:
            best = (loss, node, small)
    assert best is not None  # the top node suppresses every value: one class of all rows, k <= rows
    loss, node, _ = best
    return _publish(frame, hierarchies, k, node, loss, bound_of[node], evaluated, len(nodes))


def _publish(frame, hierarchies, k, node, loss, generalisation_loss, evaluated, lattice_size) -> Anonymisation:
    """Generalise the table at the chosen node and leave out the rows of classes smaller than k."""
    generalised = frame.with_columns(
        pl.col(h.column).replace_strict(
            {value: h.at(value, level).label for value in frame[h.column].unique().to_list()}, return_dtype=pl.String
        )
        for h, level in zip(hierarchies, node)
    )
    columns = [h.column for h in hierarchies]
    kept = generalised.filter(pl.len().over(columns) >= k).sort(columns)
    return Anonymisation(
        frame=kept,
        k=k,
        node=node,
        levels={h.column: h.level_name(level) for h, level in zip(hierarchies, node)},
        rows=frame.height,
        suppressed=frame.height - kept.height,
        loss=loss,
        generalisation_loss=generalisation_loss,
        nodes_evaluated=evaluated,
        lattice_size=lattice_size,
    )
