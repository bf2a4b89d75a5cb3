"""Result tables of the statistics engine: plain, immutable, ready for a page, a report or JSON.

Built here from counts the engine aggregated (perturbed already when cell-key protection applies), so that
shares, intervals, ordering and suppression follow one rule wherever a number is shown.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from amparo.stats.domain.disclosure import suppress_list, suppress_table
from amparo.stats.domain.intervals import wilson_interval
from amparo.stats.domain.protection import UNPROTECTED, Protection

UNITS = ("cases", "victims")
TOTAL_KEY = "total"  # the key of a printed table's total row


@dataclass(frozen=True)
class Row:
    """One group of a one-way table. Counts are None when disclosure control hid them."""

    key: str
    label: str
    count: int | None
    share: float | None  # count / total of the filtered population
    ci_low: float | None  # Wilson 95% interval of the share
    ci_high: float | None
    family_facilitated: int | None
    suppressed: bool = False
    family_facilitated_suppressed: bool = False


@dataclass(frozen=True)
class Table:
    """A one-way table: counts of one dimension over the filtered population.

    For a multi-valued dimension (exploitation, recruiter relationship) a case
    counts once under each of its values, so shares are of all cases and may
    add up to more than 100%.
    """

    dimension: str
    unit: str  # "cases" (reports) or "victims" (unique persons)
    total: int | None
    family_facilitated_total: int | None
    rows: tuple[Row, ...]
    multi_valued: bool = False
    threshold: int | None = None  # disclosure threshold applied, None when not applied
    total_suppressed: bool = False
    protection: Protection = UNPROTECTED  # how the counts were protected (perturbed, suppressed or exact)

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    @property
    def counts(self) -> dict[str, int | None]:
        return {r.key: r.count for r in self.rows}


def build_table(
    *,
    dimension: str,
    unit: str,
    counts: Mapping[str, tuple[int, int]],
    labels: Mapping[str, str],
    total: int,
    family_facilitated_total: int,
    multi_valued: bool = False,
    threshold: int | None = None,
    protection: Protection = UNPROTECTED,
) -> Table:
    """A Table from {key: (count, family-facilitated count)}, sorted by count descending then key."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    hidden = [False] * len(ordered)
    hidden_ff = [False] * len(ordered)
    total_hidden = ff_total_hidden = False
    if threshold is not None:
        hidden, total_hidden = suppress_list([c for _, (c, _) in ordered], total, threshold)
        hidden_ff, ff_total_hidden = suppress_list([f for _, (_, f) in ordered], family_facilitated_total, threshold)
    rows = []
    for (key, (count, family)), hide, hide_ff in zip(ordered, hidden, hidden_ff):
        if hide:
            rows.append(Row(key, labels.get(key, key), None, None, None, None, None, True, True))
            continue
        low, high = wilson_interval(count, total)
        rows.append(
            Row(
                key,
                labels.get(key, key),
                count,
                count / total if total else 0.0,
                low,
                high,
                None if hide_ff else family,
                False,
                hide_ff,
            )
        )
    # Hidden rows go last, in key order: their place in a count ordering would tell their size.
    rows.sort(key=lambda r: (r.suppressed, 0 if r.suppressed else -r.count, r.key))
    return Table(
        dimension=dimension,
        unit=unit,
        total=None if total_hidden else total,
        family_facilitated_total=None if ff_total_hidden else family_facilitated_total,
        rows=tuple(rows),
        multi_valued=multi_valued,
        threshold=threshold,
        total_suppressed=total_hidden,
        protection=protection,
    )


@dataclass(frozen=True)
class CrossTable:
    """A two-way table with its margins; a cell is None when disclosure control hid it."""

    row_dimension: str
    column_dimension: str
    unit: str
    row_keys: tuple[str, ...]
    row_labels: tuple[str, ...]
    column_keys: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    threshold: int | None = None
    protection: Protection = UNPROTECTED

    def cell(self, row_key: str, column_key: str) -> int | None:
        return self.cells[self.row_keys.index(row_key)][self.column_keys.index(column_key)]


def build_crosstab(
    *,
    row_dimension: str,
    column_dimension: str,
    unit: str,
    counts: Mapping[tuple[str, str], int],
    row_keys: Sequence[str],
    column_keys: Sequence[str],
    row_labels: Mapping[str, str],
    column_labels: Mapping[str, str],
    row_totals: Mapping[str, int],
    column_totals: Mapping[str, int],
    total: int,
    threshold: int | None = None,
    protection: Protection = UNPROTECTED,
) -> CrossTable:
    """A CrossTable in the given key order; missing cells are zeros."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    cells = [[counts.get((r, c), 0) for c in column_keys] for r in row_keys]
    r_totals = [row_totals.get(r, 0) for r in row_keys]
    c_totals = [column_totals.get(c, 0) for c in column_keys]
    grand = total
    if threshold is not None:
        mask = suppress_table(cells, r_totals, c_totals, total, threshold)
        cells = [[None if h else v for v, h in zip(row, hidden)] for row, hidden in zip(cells, mask.cells)]
        r_totals = [None if h else v for v, h in zip(r_totals, mask.row_totals)]
        c_totals = [None if h else v for v, h in zip(c_totals, mask.column_totals)]
        grand = None if mask.grand_total else total
    return CrossTable(
        row_dimension=row_dimension,
        column_dimension=column_dimension,
        unit=unit,
        row_keys=tuple(row_keys),
        row_labels=tuple(row_labels.get(k, k) for k in row_keys),
        column_keys=tuple(column_keys),
        column_labels=tuple(column_labels.get(k, k) for k in column_keys),
        cells=tuple(tuple(row) for row in cells),
        row_totals=tuple(r_totals),
        column_totals=tuple(c_totals),
        total=grand,
        threshold=threshold,
        protection=protection,
    )
