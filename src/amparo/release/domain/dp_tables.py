"""Differentially private tables of a release, with OpenDP's measurements, made consistent afterwards.

The privacy unit is a case: adding or removing one case changes what is
published by at most the stated epsilon. Each measured table is an OpenDP
measurement from the column of a table's keys (one per case, or one per
case and type of exploitation) to noisy counts: `count_by_categories` over the
table's public list of keys, then the discrete Laplace mechanism. Its epsilon
is what OpenDP's privacy map gives for the number of keys a case can add
(1, or MAX_EXPLOITATION_TYPES for a case counted under several types); the
tables' epsilons add up (sequential composition) to the release's.

Measured: the total and every one-way table (department, sex, age group in
Peru's bands, citizenship, family facilitation, recruiter relationship group
(the closest one, one per case), exploitation), and the report's cross-tables:
department x relationship group, department x exploitation, age group x
exploitation and, among family-facilitated cases, department x exploitation.
The budget is split in proportion to what a case can change, so every
measured count gets noise of the same scale.

Post-processing (free under differential privacy) makes the counts what a
reader expects: one total, the inverse-variance mean of every estimate of it;
every one-way table that partitions the cases projected onto non-negative
counts adding up to that total (Euclidean projection onto the simplex), then
rounded to integers keeping the sum (largest remainder); each department's row
of department x relationship group adding up to the department's count, each
type's column of an exploitation cross-table to the type's count; the
exploitation table (a case may have several types) and the family-facilitated
cross-table non-negative, the latter never above the same cell for all cases.

Every table states a 95% error bound: each of its published counts is within
that many cases of the true count with probability about 95% (the discrete
Laplace tail from OpenDP's accuracy function for a measured cell, a normal
tail holds for a projected count too: the projection moves every count of a
table by about the same amount, towards the truth; a test measures it).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import opendp.prelude as dp
import polars as pl

from amparo.core import age_bands, codelists, geography
from amparo.release.domain.cases import EXPLOITATION_COLUMNS, UNKNOWN

dp.enable_features("contrib")

ALPHA = 0.05  # error bounds hold with probability 1 - ALPHA
# A case counts under at most this many types of exploitation (the first ones in the codelist's order),
# so one case changes at most this many cells of an exploitation table.
MAX_EXPLOITATION_TYPES = 3
# Citizenships counted one by one: South America's. Any other is "other": two hundred cells of pure
# noise would tell nothing and, once made consistent, pull the counts that matter down.
COUNTED_CITIZENSHIPS = ("AR", "BO", "BR", "CL", "CO", "EC", "GY", "PE", "PY", "SR", "UY", "VE")
OTHER = "other"


class InvalidPrivacyParameter(ValueError):
    """A privacy parameter out of range: which, its value and what is expected."""


@dataclass(frozen=True)
class DPTable:
    """One published table: its keys (one tuple per row, one element per dimension) and counts."""

    slug: str
    dimensions: tuple[str, ...]
    keys: list[tuple[str, ...]]
    counts: list[int]
    error_bound: int  # 95%: |published - true| <= error_bound for about 95% of counts
    epsilon: float  # the privacy loss this table spent

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "dimensions": list(self.dimensions),
            "epsilon": self.epsilon,
            "error_bound_95": self.error_bound,
            "rows": [{**dict(zip(self.dimensions, key)), "count": count} for key, count in zip(self.keys, self.counts)],
        }

    def count(self, *key: str) -> int:
        return self.counts[self.keys.index(tuple(key))]


@dataclass(frozen=True)
class DPTables:
    total: int
    total_error_bound: int
    epsilon: float
    tables: dict[str, DPTable] = field(default_factory=dict)


def _with_unknown(values) -> list[str]:
    return [*values, *([] if UNKNOWN in values else [UNKNOWN])]


def dimension_keys() -> dict[str, list[str]]:
    """Every table's public keys: from the codelists and geography, never from the data."""
    return {
        "sex": _with_unknown(list(codelists.KNOWN_GENDERS)),
        "age_group": _with_unknown([b.label for b in age_bands.PERU_BANDS]),
        "citizenship": [*COUNTED_CITIZENSHIPS, OTHER, UNKNOWN],
        "family_facilitated": ["yes", "no"],
        "department": _with_unknown([p.ubigeo for p in geography.departments()]),
        "recruiter_relationship_group": codelists.RELATIONSHIP_GROUP.values,
        "exploitation": _with_unknown(codelists.EXPLOITATION_TYPE.values),
    }


SEPARATOR = "\x1f"  # joins the keys of a cross-table cell; never in a code


@dataclass(frozen=True)
class _Measurement:
    slug: str
    dimensions: tuple[str, ...]
    contributions: int  # keys one case can add


MEASUREMENTS = (
    _Measurement("total", (), 1),
    *(
        _Measurement(name, (name,), 1)
        for name in (
            "department",
            "sex",
            "age_group",
            "citizenship",
            "family_facilitated",
            "recruiter_relationship_group",
        )
    ),
    _Measurement("exploitation", ("exploitation",), MAX_EXPLOITATION_TYPES),
    _Measurement("department_relationship", ("department", "recruiter_relationship_group"), 1),
    _Measurement("department_exploitation", ("department", "exploitation"), MAX_EXPLOITATION_TYPES),
    _Measurement("age_exploitation", ("age_group", "exploitation"), MAX_EXPLOITATION_TYPES),
    _Measurement("family_department_exploitation", ("department", "exploitation"), MAX_EXPLOITATION_TYPES),
)
PARTITIONS = ("department", "sex", "age_group", "citizenship", "family_facilitated", "recruiter_relationship_group")


def _keyed(case_table: pl.DataFrame) -> pl.DataFrame:
    """One row per case with each dimension's key."""
    ages = case_table["age"].unique().to_list()
    bands = {age: age_bands.band_for(age) for age in ages if age is not None}
    return case_table.select(
        "sex",
        "department",
        "recruiter_relationship_group",
        pl.when(pl.col("citizenship").is_in([*COUNTED_CITIZENSHIPS, UNKNOWN]))
        .then(pl.col("citizenship"))
        .otherwise(pl.lit(OTHER))
        .alias("citizenship"),
        pl.col("age").replace_strict(bands, default=UNKNOWN, return_dtype=pl.String).alias("age_group"),
        pl.when(pl.col("family_facilitated") == 1)
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no"))
        .alias("family_facilitated"),
        pl.concat_list(
            pl.when(pl.col(column) == 1).then(pl.lit(column.removeprefix("exploitation_"))).otherwise(None)
            for column in EXPLOITATION_COLUMNS
        )
        .list.drop_nulls()
        .list.head(MAX_EXPLOITATION_TYPES)
        .alias("exploitation"),
    ).with_columns(
        pl.when(pl.col("exploitation").list.len() == 0)
        .then(pl.lit([UNKNOWN]))
        .otherwise(pl.col("exploitation"))
        .alias("exploitation")
    )


def _key_column(keyed: pl.DataFrame, measurement: _Measurement) -> list[str]:
    """The values a measurement counts: one per case, or one per (case, type of exploitation)."""
    if not measurement.dimensions:
        return ["all"] * keyed.height
    frame = keyed
    if measurement.slug == "family_department_exploitation":
        frame = frame.filter(pl.col("family_facilitated") == "yes")
    if "exploitation" in measurement.dimensions:
        frame = frame.explode("exploitation", empty_as_null=False)
    return frame.select(pl.concat_str(list(measurement.dimensions), separator=SEPARATOR))[:, 0].to_list()


def _cells(measurement: _Measurement, keys: dict[str, list[str]]) -> list[tuple[str, ...]]:
    if not measurement.dimensions:
        return [("all",)]
    grids = [keys[d] for d in measurement.dimensions]
    cells: list[tuple[str, ...]] = [()]
    for grid in grids:
        cells = [(*cell, key) for cell in cells for key in grid]
    return cells


def noisy_histogram(categories: list[str], scale: float):
    """OpenDP measurement: a column of keys -> the count of each category plus discrete Laplace noise.
    A key outside the categories is not counted."""
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    return (
        space >> dp.t.then_count_by_categories(categories=categories, null_category=False) >> dp.m.then_laplace(scale)
    )


def _histogram(cells: list[tuple[str, ...]], scale: float):
    return noisy_histogram([SEPARATOR.join(cell) for cell in cells], scale)


def _discrete_laplace_variance(scale: float) -> float:
    q = math.exp(-1 / scale)
    return 2 * q / (1 - q) ** 2


def project_to_simplex(values: np.ndarray, total: float) -> np.ndarray:
    """The closest non-negative vector (Euclidean) whose entries add up to `total` (>= 0)."""
    if total <= 0 or len(values) == 0:
        return np.zeros_like(values, dtype=float)
    ordered = np.sort(values)[::-1]
    cumulative = np.cumsum(ordered) - total
    index = np.arange(1, len(values) + 1)
    last = np.nonzero(ordered - cumulative / index > 0)[0][-1]
    threshold = cumulative[last] / (last + 1)
    return np.maximum(values - threshold, 0.0)


def round_keeping_sum(values: np.ndarray, total: int) -> np.ndarray:
    """Non-negative reals adding up to `total` as integers with the same sum (largest remainder)."""
    floors = np.floor(values).astype(np.int64)
    missing = total - int(floors.sum())
    if missing > 0:
        order = np.argsort(-(values - floors), kind="stable")
        floors[order[:missing]] += 1
    return floors


def _consistent(noisy: np.ndarray, total: int) -> np.ndarray:
    return round_keeping_sum(project_to_simplex(noisy.astype(float), total), total)


def dp_tables(case_table: pl.DataFrame, epsilon: float) -> DPTables:
    """The release's tables with `epsilon` spent in all."""
    if not (isinstance(epsilon, (int, float)) and math.isfinite(epsilon) and epsilon > 0):
        raise InvalidPrivacyParameter(f"epsilon for the tables must be a number greater than 0, not {epsilon!r}")
    keys = dimension_keys()
    keyed = _keyed(case_table)
    contributions = sum(m.contributions for m in MEASUREMENTS)
    # One noise scale for every count: each table spends epsilon in proportion to what a case can change in it.
    first = MEASUREMENTS[0]
    scale = dp.binary_search_param(
        lambda s: _histogram(_cells(first, keys), s),
        d_in=first.contributions,
        d_out=epsilon * first.contributions / contributions,
    )
    noisy, spent_by = {}, {}
    for measurement in MEASUREMENTS:
        cells = _cells(measurement, keys)
        mechanism = _histogram(cells, scale)
        spent_by[measurement.slug] = mechanism.map(measurement.contributions)
        counts = np.array(mechanism(_key_column(keyed, measurement)), dtype=np.int64)
        noisy[measurement.slug] = counts.reshape([len(keys[d]) for d in measurement.dimensions] or [1])
    spent = sum(spent_by.values())
    variance = _discrete_laplace_variance(scale)
    cell_bound = math.floor(dp.discrete_laplacian_scale_to_accuracy(scale, ALPHA))

    # One total: it and every partition of the cases estimate it; weight each by the inverse of its variance.
    estimates = [(float(noisy["total"].sum()), variance)]
    estimates += [(float(noisy[slug].sum()), noisy[slug].size * variance) for slug in PARTITIONS]
    weights = [1 / v for _, v in estimates]
    total = max(0, round(sum(w * e for w, (e, _) in zip(weights, estimates)) / sum(weights)))

    published: dict[str, np.ndarray] = {}
    for slug in PARTITIONS:
        published[slug] = _consistent(noisy[slug].ravel(), total)
    published["exploitation"] = np.clip(noisy["exploitation"].ravel(), 0, total)
    published["department_relationship"] = np.vstack(
        [_consistent(row, int(count)) for row, count in zip(noisy["department_relationship"], published["department"])]
    )
    for slug in ("department_exploitation", "age_exploitation"):
        columns = noisy[slug]
        published[slug] = np.column_stack(
            [_consistent(columns[:, j], int(count)) for j, count in enumerate(published["exploitation"])]
        )
    published["family_department_exploitation"] = np.clip(
        noisy["family_department_exploitation"], 0, published["department_exploitation"]
    )

    tables = {
        m.slug: DPTable(
            m.slug,
            m.dimensions,
            _cells(m, keys),
            [int(c) for c in published[m.slug].ravel()],
            cell_bound,
            spent_by[m.slug],
        )
        for m in MEASUREMENTS
        if m.slug != "total"
    }
    # The weighted total is dominated by one Laplace draw, whose tails are heavier than a normal's:
    # bound it by the Laplace quantile of the same variance, which covers a sum of Laplace draws too.
    total_bound = math.ceil(math.log(1 / ALPHA) / math.sqrt(2) * math.sqrt(1 / sum(weights)))
    return DPTables(total=total, total_error_bound=total_bound, epsilon=spent, tables=tables)
