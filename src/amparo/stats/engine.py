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
before any run, distinct records). ``suppress`` is False, True (the threshold of settings.STATS_SUPPRESSION_THRESHOLD,
default 5) or a threshold.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import polars as pl
from django.conf import settings

from amparo.registry.case_filter import CaseFilter
from amparo.stats import snapshot
from amparo.stats.dimensions import DIMENSIONS, UNKNOWN, Dimension, UnknownDimension, dimension
from amparo.stats.domain.disclosure import DEFAULT_THRESHOLD
from amparo.stats.domain.intervals import wilson_interval
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
    "suppression_threshold",
    "years_without_cases",
]


def suppression_threshold(suppress: bool | int) -> int | None:
    """The threshold a ``suppress`` argument means, or None for no disclosure control."""
    if suppress is False or suppress is None:
        return None
    if suppress is True:
        return int(getattr(settings, "STATS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))
    if int(suppress) < 1:
        raise ValueError(f"a suppression threshold must be a positive whole number, not {suppress!r}")
    return int(suppress)


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


def _cases(current: snapshot.Snapshot, filters: CaseFilter | None) -> pl.DataFrame:
    return current.cases if filters is None else current.cases.filter(snapshot_condition(filters, current))


def _measures(unit: str) -> tuple[pl.Expr, pl.Expr]:
    """The count and the family-facilitated count of a group of (case, key) rows, each case once per group."""
    if unit == "cases":
        return pl.len(), pl.col("family_facilitated").sum()
    victims = pl.col("victim")
    return victims.n_unique(), victims.filter(pl.col("family_facilitated")).n_unique()


def _total(current: snapshot.Snapshot, filters: CaseFilter | None, unit: str) -> tuple[int, int]:
    count, family = _measures(unit)
    result = _cases(current, filters).select(count.alias("n"), family.alias("ff"))
    return int(result["n"][0]), int(result["ff"][0] or 0)


def _grouped(
    current: snapshot.Snapshot, filters: CaseFilter | None, dims: list[Dimension], unit: str
) -> dict[tuple[str, ...], tuple[int, int]]:
    """{(key, ...): (count, family-facilitated count)} from one group-by over the filtered cases.

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
            .agg(pl.len().alias("n"), pl.col("family_facilitated").sum().alias("ff"))
            .with_columns(**single)
            .group_by(keys)
            .agg(pl.col("n").sum(), pl.col("ff").sum())
        )
    else:
        frame = base.select("id", "victim", "family_facilitated", *(f"k{i}" for i in multi[:1]), **single)
        for i in multi[1:]:
            pairs = dims[i].distinct_pairs(current).filter(pl.col("id").is_in(frame["id"].unique().implode()))
            frame = frame.join(pairs.rename({"key": f"k{i}"}), on="id", how="left").with_columns(
                pl.col(f"k{i}").fill_null(UNKNOWN)
            )
        count, family = _measures(unit)
        groups = frame.group_by(keys).agg(count.alias("n"), family.alias("ff"))
    return {tuple(row[:-2]): (int(row[-2]), int(row[-1] or 0)) for row in groups.iter_rows()}


def count_by(
    dimension_name: str, filters: CaseFilter | None = None, unit: str = "cases", *, suppress: bool | int = False
) -> Table:
    """Cases (or victims) per value of a dimension, with shares of the filtered total and Wilson 95% intervals."""
    d = dimension(dimension_name)
    _check_unit(unit)
    threshold = suppression_threshold(suppress)
    current = snapshot.current()
    counts = {key[0]: value for key, value in _grouped(current, filters, [d], unit).items()}
    if unit == "cases" and not d.multi_valued:
        # Each case is in exactly one group: the total is the sum, no second query needed.
        total, family_total = sum(n for n, _ in counts.values()), sum(f for _, f in counts.values())
    else:
        total, family_total = _total(current, filters, unit)
    return build_table(
        dimension=d.name,
        unit=unit,
        counts=counts,
        labels=d.labels(),
        total=total,
        family_facilitated_total=family_total,
        multi_valued=d.multi_valued,
        threshold=threshold,
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
    threshold = suppression_threshold(suppress)
    current = snapshot.current()
    counts = {key: n for key, (n, _) in _grouped(current, filters, [rows_d, columns_d], unit).items()}
    # A margin is the sum of its cells when every case sits in exactly one cell of it: counting cases,
    # across a single-valued dimension. Otherwise it is counted on its own.
    summable = {d.name: unit == "cases" and not d.multi_valued for d in (rows_d, columns_d)}
    row_totals = _margin(counts, 0) if summable[columns_d.name] else _counts_of(current, filters, rows_d, unit)
    column_totals = _margin(counts, 1) if summable[rows_d.name] else _counts_of(current, filters, columns_d, unit)
    if summable[rows_d.name]:
        total = sum(row_totals.values())
    elif summable[columns_d.name]:
        total = sum(column_totals.values())
    else:
        total, _ = _total(current, filters, unit)
    if column_keys is None:
        column_keys = _ordered_keys(columns_d, column_totals)
    return build_crosstab(
        row_dimension=rows_d.name,
        column_dimension=columns_d.name,
        unit=unit,
        counts=counts,
        row_keys=_ordered_keys(rows_d, row_totals),
        column_keys=column_keys,
        row_labels=rows_d.labels(),
        column_labels=columns_d.labels(),
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        threshold=threshold,
    )


def _margin(counts: dict[tuple[str, str], int], axis: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for key, n in counts.items():
        totals[key[axis]] = totals.get(key[axis], 0) + n
    return totals


def _counts_of(current: snapshot.Snapshot, filters: CaseFilter | None, d: Dimension, unit: str) -> dict[str, int]:
    return {key[0]: n for key, (n, _) in _grouped(current, filters, [d], unit).items()}


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
