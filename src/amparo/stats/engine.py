"""The statistics engine: counts of cases or victims by any dimension, as plain tables.

Public API (plain Python, no request objects):

- ``count_by(dimension, filters, unit="cases", suppress=False) -> Table``
- ``crosstab(row_dimension, column_dimension, filters, unit="cases", suppress=False) -> CrossTable``
- ``headline(filters, unit="cases", top=5, suppress=False) -> Headline``
- ``case_count(filters, unit="cases") -> int``
- ``years_without_cases(years) -> list[int]``
- ``with at_one_revision() as revision:`` every figure inside comes from one revision of the registry

Dimensions are named in ``DIMENSIONS`` (see amparo.stats.dimensions). Every
count is a Polars group-by over the registry's in-memory snapshot
(amparo.stats.snapshot), reloaded whenever the registry changes; Python only
labels, orders, computes shares and intervals, and applies disclosure
control. ``unit`` is "cases" (reports, one per source record) or "victims"
(linked victims: the people the last linkage run found, each unlinked record counted on its own;
before any run, distinct records).

``suppress`` says how the figures are protected (``protection``): True, what every channel gives a user who
may not have exact figures, is cell-key perturbation (amparo.stats.domain.cellkey): each group-by sums its
records' keys beside the count, and each cell, margin and total is perturbed by its own key. A whole number N
hides counts below N instead (small-cell suppression, amparo.stats.domain.disclosure: not differencing-proof,
so no channel applies it by default). False gives exact figures, not for publication.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import polars as pl
from django.conf import settings

from amparo.registry.case_filter import CaseFilter
from amparo.stats import snapshot
from amparo.stats.dimensions import DIMENSIONS, UNKNOWN, Dimension, UnknownDimension, dimension
from amparo.stats.domain.cellkey import AMPARO_TABLE, perturb
from amparo.stats.domain.disclosure import DEFAULT_THRESHOLD
from amparo.stats.domain.intervals import wilson_interval
from amparo.stats.domain.protection import CELL_KEY, SUPPRESSION, UNPROTECTED, Protection
from amparo.stats.domain.tables import UNITS, CrossTable, Row, Table, build_crosstab, build_table
from amparo.stats.filters import snapshot_condition

__all__ = [
    "DIMENSIONS",
    "UNITS",
    "CaseFilter",
    "CrossTable",
    "Headline",
    "Row",
    "Table",
    "UnknownDimension",
    "at_one_revision",
    "case_count",
    "count_by",
    "crosstab",
    "headline",
    "protection",
    "suppression_threshold",
    "years_without_cases",
]


PERTURBATION_TABLE = AMPARO_TABLE
CELL_KEY_PROTECTION = Protection(CELL_KEY, table=PERTURBATION_TABLE.name, max_noise=PERTURBATION_TABLE.max_noise)


def suppression_threshold(suppress: bool | int) -> int | None:
    """The small-cell suppression threshold a ``suppress`` argument means (True: settings.
    STATS_SUPPRESSION_THRESHOLD, default 5), or None for none. The engine's tables read True as cell-key
    perturbation instead (``protection``); fixed rates that no query can narrow are still suppressed by it."""
    if suppress is False or suppress is None:
        return None
    if suppress is True:
        return int(getattr(settings, "STATS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))
    if int(suppress) < 1:
        raise ValueError(f"a suppression threshold must be a positive whole number, not {suppress!r}")
    return int(suppress)


def protection(suppress: bool | int) -> Protection:
    """How a ``suppress`` argument protects the engine's tables: True by cell-key perturbation, a whole number
    by small-cell suppression at that threshold, False not at all (exact figures, not for publication)."""
    if suppress is True:
        return CELL_KEY_PROTECTION
    threshold = suppression_threshold(suppress)
    return UNPROTECTED if threshold is None else Protection(SUPPRESSION, threshold=threshold)


def published_counts(cells: list[tuple[int, int]], chosen: Protection) -> list[int]:
    """The value published for each (true count, sum of its records' keys): perturbed under cell-key
    protection, else the count itself. The one place where every channel's figures are perturbed."""
    counts = [count for count, _ in cells]
    if chosen.method != CELL_KEY:
        return counts
    return perturb(counts, [key for _, key in cells], PERTURBATION_TABLE)


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


def _cases(current: snapshot.Snapshot, filters: CaseFilter | None) -> pl.DataFrame:
    return current.cases if filters is None else current.cases.filter(snapshot_condition(filters, current))


# What a group-by measures of each group: the count, the family-facilitated count, and the sums of the
# record keys of each (the cell keys of the cell-key perturbation).
MEASURES = ("n", "ff", "n_key", "ff_key")
Measures = tuple[int, int, int, int]


def _measures(unit: str) -> list[pl.Expr]:
    """MEASURES of a group of (case, key) rows, each case once per group; a victim's key counts once per group."""
    family = pl.col("family_facilitated")
    if unit == "cases":
        keys = pl.col("record_key")
        expressions = [pl.len(), family.sum(), keys.sum(), keys.filter(family).sum()]
    else:
        victims, distinct = pl.col("victim"), pl.struct("victim", "victim_key")
        expressions = [
            victims.n_unique(),
            victims.filter(family).n_unique(),
            distinct.unique().struct.field("victim_key").sum(),
            distinct.filter(family).unique().struct.field("victim_key").sum(),
        ]
    return [e.alias(name) for e, name in zip(expressions, MEASURES)]


def _as_measures(values) -> Measures:
    return tuple(int(v or 0) for v in values)


def _total(current: snapshot.Snapshot, filters: CaseFilter | None, unit: str) -> Measures:
    return _as_measures(_cases(current, filters).select(_measures(unit)).row(0))


def _grouped(
    current: snapshot.Snapshot, filters: CaseFilter | None, dims: list[Dimension], unit: str
) -> dict[tuple[str, ...], Measures]:
    """{(key, ...): MEASURES} from one group-by over the filtered cases.

    A multi-valued dimension contributes each case once per distinct value, so within a group
    a case appears at most once and counting rows counts cases.
    """
    multi = [i for i, d in enumerate(dims) if d.multi_valued]
    base = dims[multi[0]].cases_by_key(current).rename({"key": f"k{multi[0]}"}) if multi else current.cases
    if filters is not None:
        base = base.filter(snapshot_condition(filters, current))
    keys = [f"k{i}" for i in range(len(dims))]
    single = {f"k{i}": d.key() for i, d in enumerate(dims) if not d.multi_valued}
    if unit == "cases" and len(multi) <= 1:
        # Count per combination of the columns the keys are made from (ages, place codes: few), then
        # work out the keys of those few rows: a band or a class of place is not computed per case.
        columns = sorted(set().union(*(d.columns for d in dims if not d.multi_valued)) | {f"k{i}" for i in multi})
        groups = (
            base.group_by(columns)
            .agg(_measures(unit))
            .with_columns(**single)
            .group_by(keys)
            .agg(pl.col(MEASURES).sum())
        )
    else:
        frame = base.select(
            "id", "victim", "family_facilitated", "record_key", "victim_key", *(f"k{i}" for i in multi[:1]), **single
        )
        for i in multi[1:]:
            pairs = dims[i].distinct_pairs(current).filter(pl.col("id").is_in(frame["id"].unique().implode()))
            frame = frame.join(pairs.rename({"key": f"k{i}"}), on="id", how="left").with_columns(
                pl.col(f"k{i}").fill_null(UNKNOWN)
            )
        groups = frame.group_by(keys).agg(_measures(unit))
    width = len(MEASURES)
    return {tuple(row[:-width]): _as_measures(row[-width:]) for row in groups.iter_rows()}


def _summed(measures) -> Measures:
    return tuple(sum(column) for column in zip(*measures)) if measures else (0, 0, 0, 0)


def count_by(
    dimension_name: str,
    filters: CaseFilter | None = None,
    unit: str = "cases",
    *,
    suppress: bool | int = False,
    keys: list[str] | None = None,
) -> Table:
    """Cases (or victims) per value of a dimension, with shares of the filtered total and Wilson 95% intervals,
    protected as ``suppress`` asks (``protection``); under cell-key perturbation the total is perturbed as a
    cell of its own and shares are of the perturbed figures.

    ``keys`` adds a row of zeros for each of these keys no case has (e.g. every year of a range).
    """
    d = dimension(dimension_name)
    _check_unit(unit)
    chosen = protection(suppress)
    current = snapshot.current()
    measures = {key[0]: value for key, value in _grouped(current, filters, [d], unit).items()}
    # Counting cases by a single-valued dimension, each case is in exactly one group: the total is the sum, no
    # second query needed.
    summable = unit == "cases" and not d.multi_valued
    total = _summed(measures.values()) if summable else _total(current, filters, unit)
    groups = list(measures)
    published = published_counts(
        [(m[0], m[2]) for m in measures.values()]
        + [(total[0], total[2])]
        + [(m[1], m[3]) for m in measures.values()]
        + [(total[1], total[3])],
        chosen,
    )
    counts, published_total = published[: len(groups)], published[len(groups)]
    families, published_family_total = published[len(groups) + 1 : -1], published[-1]
    # A group is part of the total, and its family-facilitated cases part of it: perturbed figures keep that
    # order (a published value still within the table's bound of the true one, which obeys it too).
    counts = [min(n, published_total) for n in counts]
    # Only groups with cases are listed; a group perturbed to zero is not, or its row would say that it has some.
    # Keys the caller asks for are listed all the same, with the zero published.
    listed = {key: (n, min(f, n)) for key, n, f in zip(groups, counts, families) if n or chosen.method != CELL_KEY}
    return build_table(
        dimension=d.name,
        unit=unit,
        counts=listed | {key: (0, 0) for key in keys or () if key not in listed},
        labels=d.labels(),
        total=published_total,
        family_facilitated_total=min(published_family_total, published_total),
        multi_valued=d.multi_valued,
        threshold=chosen.threshold,
        protection=chosen,
    )


def _ordered_keys(d: Dimension, totals: dict[str, int]) -> list[str]:
    if d.ordered:
        position = {key: i for i, key in enumerate(d.order())}
        return sorted(totals, key=lambda k: (position.get(k, len(position)), k))
    return sorted(totals, key=lambda k: (-totals[k], k))


def crosstab(
    row_dimension: str,
    column_dimension: str,
    filters: CaseFilter | None = None,
    unit: str = "cases",
    *,
    suppress: bool | int = False,
    column_keys: list[str] | None = None,
) -> CrossTable:
    """Cases (or victims) by two dimensions, with margins counted (not summed from the cells).

    Margins of a multi-valued dimension count each case once, so they can be
    smaller than the sum of their cells. ``column_keys`` fixes the columns
    (e.g. every year of a range, with zeros).
    """
    rows_d, columns_d = dimension(row_dimension), dimension(column_dimension)
    if rows_d == columns_d:
        raise ValueError(f"a crosstab needs two different dimensions, not {row_dimension!r} twice")
    _check_unit(unit)
    chosen = protection(suppress)
    current = snapshot.current()
    cells = {key: (m[0], m[2]) for key, m in _grouped(current, filters, [rows_d, columns_d], unit).items()}
    # A margin is the sum of its cells when every case sits in exactly one cell of it: counting cases,
    # across a single-valued dimension. Otherwise it is counted on its own.
    summable = {d.name: unit == "cases" and not d.multi_valued for d in (rows_d, columns_d)}
    row_totals = _margin(cells, 0) if summable[columns_d.name] else _counts_of(current, filters, rows_d, unit)
    column_totals = _margin(cells, 1) if summable[rows_d.name] else _counts_of(current, filters, columns_d, unit)
    if summable[rows_d.name]:
        total = _pair_sum(row_totals.values())
    elif summable[columns_d.name]:
        total = _pair_sum(column_totals.values())
    else:
        n, _, n_key, _ = _total(current, filters, unit)
        total = (n, n_key)
    parts = (cells, row_totals, column_totals)
    published = iter(published_counts([*(pair for part in parts for pair in part.values()), total], chosen))
    counts, published_rows, published_columns = [{key: next(published) for key in part} for part in parts]
    if chosen.method == CELL_KEY:
        # As in count_by, a row or column perturbed to zero is not listed (its cells stay within the bound of
        # the truth whether shown or not); columns the caller fixed are kept.
        published_rows = {key: n for key, n in published_rows.items() if n}
        if column_keys is None:
            published_columns = {key: n for key, n in published_columns.items() if n}
    # Ordered by the published margins: an order by the true ones would tell them.
    if column_keys is None:
        column_keys = _ordered_keys(columns_d, published_columns)
    return build_crosstab(
        row_dimension=rows_d.name,
        column_dimension=columns_d.name,
        unit=unit,
        counts=counts,
        row_keys=_ordered_keys(rows_d, published_rows),
        column_keys=column_keys,
        row_labels=rows_d.labels(),
        column_labels=columns_d.labels(),
        row_totals=published_rows,
        column_totals=published_columns,
        total=next(published),
        threshold=chosen.threshold,
        protection=chosen,
    )


def _pair_sum(pairs) -> tuple[int, int]:
    pairs = list(pairs)
    return sum(n for n, _ in pairs), sum(k for _, k in pairs)


def _margin(cells: dict[tuple[str, str], tuple[int, int]], axis: int) -> dict[str, tuple[int, int]]:
    """(count, sum of keys) of each row (axis 0) or column (axis 1), summed from the cells."""
    totals: dict[str, tuple[int, int]] = {}
    for key, (n, key_sum) in cells.items():
        count, keys = totals.get(key[axis], (0, 0))
        totals[key[axis]] = (count + n, keys + key_sum)
    return totals


def _counts_of(
    current: snapshot.Snapshot, filters: CaseFilter | None, d: Dimension, unit: str
) -> dict[str, tuple[int, int]]:
    return {key[0]: (m[0], m[2]) for key, m in _grouped(current, filters, [d], unit).items()}


@dataclass(frozen=True)
class Headline:
    """The figures a summary opens with (the seed's "253 cases; 120 (47%) in Lima ..."), with the department
    table they come from: the dashboard, the report and the API print these, and nothing else."""

    unit: str
    total: int | None
    family_facilitated: int | None
    family_facilitated_share: float | None
    family_facilitated_ci: tuple[float, float] | None
    top_departments: tuple[Row, ...]  # the leading departments with a visible count, largest first
    organised_network_yes: int | None
    organised_network_known: int | None
    departments: Table


def headline(
    filters: CaseFilter | None = None, unit: str = "cases", *, top: int = 5, suppress: bool | int = False
) -> Headline:
    """Total, family-facilitated count and share, the top departments and organised networks of the filter's cases."""
    departments = count_by("department", filters, unit, suppress=suppress)
    networks = count_by("organised_network", filters, unit, suppress=suppress)
    total, family = departments.total, departments.family_facilitated_total
    share = ci = None
    if total and family is not None:
        share, ci = family / total, wilson_interval(family, total)
    known = [r for r in networks.rows if r.key in ("yes", "no")]
    yes = next((r.count for r in known if r.key == "yes"), 0)
    return Headline(
        unit=unit,
        total=total,
        family_facilitated=family,
        family_facilitated_share=share,
        family_facilitated_ci=ci,
        top_departments=tuple(r for r in departments.rows if r.key != UNKNOWN and r.count)[:top],
        organised_network_yes=yes,
        organised_network_known=None if any(r.count is None for r in known) else sum(r.count for r in known),
        departments=departments,
    )


def _with_year(filters: CaseFilter | None, year: int) -> CaseFilter:
    return replace(filters or CaseFilter(), years=(year,))


def case_count(filters: CaseFilter | None = None, unit: str = "cases") -> int:
    """How many cases (or victims) the filter selects."""
    _check_unit(unit)
    return _total(snapshot.current(), filters, unit)[0]


def years_without_cases(years: list[int], filters: CaseFilter | None = None) -> list[int]:
    """Those of the given years in which no case (matching the filter) was registered."""
    return [y for y in years if not case_count(_with_year(filters, y))]


@contextmanager
def at_one_revision() -> Iterator[str]:
    """Every figure computed in the block comes from one revision of the registry, whose token it yields
    (registry.models.RegistryRevision.token): a report records it, so a published number can be traced."""
    with snapshot.pinned() as current:
        yield current.revision
