"""Differentially private synthetic microdata: noisy marginals on a maximum spanning tree, then sampling.

The method is that of MST (McKenna, Miklau and Sheldon, 2021), with pure
epsilon-differential privacy on OpenDP's mechanisms and a tree model fitted
directly instead of Private-PGM:

1. a third of epsilon measures every column's counts (discrete Laplace);
2. a third chooses which pairs of columns to keep together: Kruskal's
   algorithm builds a spanning tree, each edge picked by OpenDP's noisy-max
   selection among the pairs that join two parts, scored as MST does: how far
   the pair's true counts are from what the noisy one-way counts predict if
   the columns were independent (the L1 distance, which one case changes by at
   most 1), less the error that measuring the pair would bring (the noise's
   mean size times the number of cells, so a pair with a large domain must
   earn its place);
3. the last third measures the chosen pairs' counts (discrete Laplace);
4. each pair's noisy counts, negatives set to 0, are raked (iterative
   proportional fitting) to the noisy one-way counts of its two columns, so
   the model's columns keep their measured distributions;
5. rows are sampled down the tree: the root's value from its noisy counts,
   each other column's from the raked pair counts given its parent's value.

Everything after the measurements is post-processing: the synthetic rows
spend no more privacy than the measurements. Every column's values come from
a public domain (codelists, years, ages), never from the data, so a rare value
that is not in the data is as likely to appear as one that is.
"""

import itertools
import math
import secrets
from dataclasses import dataclass

import numpy as np
import opendp.prelude as dp
import polars as pl

from amparo.core import codelists, geography
from amparo.release.domain.cases import EXPLOITATION_COLUMNS, UNKNOWN
from amparo.release.domain.dp_tables import (
    COUNTED_CITIZENSHIPS,
    OTHER,
    InvalidPrivacyParameter,
    project_to_simplex,
)
from amparo.release.domain.microdata import MICRODATA_COLUMNS, OLDEST_AGE

dp.enable_features("contrib")


class SynthesisError(ValueError):
    """Data the synthesiser cannot use: which column, which value, what was expected."""


@dataclass(frozen=True)
class MarginalError:
    """How far the synthetic data's k-way counts are from the real ones, averaged over every set of k columns."""

    way: int
    mean_absolute_error: float  # counts per cell, over the cells either table has
    total_variation_distance: float  # between the two tables as distributions, in [0, 1]

    def as_dict(self) -> dict:
        return {
            "columns": self.way,
            "mean_absolute_error_per_cell": round(self.mean_absolute_error, 3),
            "total_variation_distance": round(self.total_variation_distance, 4),
        }


@dataclass(frozen=True)
class Synthesis:
    frame: pl.DataFrame
    epsilon: float  # spent, as OpenDP's privacy maps say
    tree: tuple[tuple[str, str], ...]  # (parent, child) pairs kept together


def _noisy_counts(codes: np.ndarray, size: int, scale: float) -> np.ndarray:
    """Counts of each code 0..size-1 plus discrete Laplace noise, by OpenDP."""
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.symmetric_distance()
    measurement = space >> dp.t.then_count_by_categories(categories=list(range(size)), null_category=False)
    return np.array((measurement >> dp.m.then_laplace(scale))(codes.tolist()), dtype=float)


def _laplace_scale(epsilon: float) -> float:
    """The discrete Laplace scale that spends `epsilon` on a histogram one case changes by 1."""
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.symmetric_distance()
    counting = space >> dp.t.then_count_by_categories(categories=[0], null_category=False)
    return dp.binary_search_param(lambda s: counting >> dp.m.then_laplace(s), d_in=1, d_out=epsilon)


def _selection(epsilon: float):
    """OpenDP's noisy max over scores one case changes by at most 1, spending `epsilon`."""
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.linf_distance(T=float)
    scale = dp.binary_search_param(
        lambda s: dp.m.make_noisy_max(*space, dp.max_divergence(), s), d_in=1.0, d_out=epsilon
    )
    return dp.m.make_noisy_max(*space, dp.max_divergence(), scale)


def _encode(frame: pl.DataFrame, domains: dict[str, list[str]]) -> dict[str, np.ndarray]:
    encoded = {}
    for column, values in domains.items():
        index = {value: code for code, value in enumerate(values)}
        codes = frame[column].replace_strict(index, default=None, return_dtype=pl.Int64)
        if codes.null_count():
            bad = frame.filter(codes.is_null())[column][0]
            raise SynthesisError(f"column {column!r}: value {bad!r} is not one of its {len(values)} public values")
        encoded[column] = codes.to_numpy()
    return encoded


def synthesise(
    frame: pl.DataFrame, domains: dict[str, list[str]], epsilon: float, seed: int | None = None
) -> Synthesis:
    """Synthetic rows like `frame` (text columns, each with its public domain), spending `epsilon`."""
    if not (isinstance(epsilon, (int, float)) and math.isfinite(epsilon) and epsilon > 0):
        raise InvalidPrivacyParameter(
            f"epsilon for the synthetic data must be a number greater than 0, not {epsilon!r}"
        )
    if frame.height == 0:
        raise SynthesisError("there are no rows to synthesise from")
    columns = list(domains)
    codes = _encode(frame, domains)
    sizes = {c: len(domains[c]) for c in columns}
    phase = epsilon / 3 if len(columns) > 1 else epsilon

    # 1. One-way counts; the number of rows is estimated from all of them.
    one_way_scale = _laplace_scale(phase / len(columns))
    one_way = {c: _noisy_counts(codes[c], sizes[c], one_way_scale) for c in columns}
    rows = max(1, round(float(np.mean([counts.sum() for counts in one_way.values()]))))
    marginal = {c: project_to_simplex(one_way[c], rows) / rows for c in columns}
    spent = phase

    # 2. The spanning tree, one noisy-max choice per edge.
    edges: list[tuple[str, str]] = []
    if len(columns) > 1:
        choose = _selection(phase / (len(columns) - 1))
        part = {c: c for c in columns}

        def root(c):
            while part[c] != c:
                c = part[c]
            return c

        two_way_scale = _laplace_scale(phase / (len(columns) - 1))
        noise_size = _mean_absolute_noise(two_way_scale)
        scores = {}
        for a, b in itertools.combinations(columns, 2):
            true = np.bincount(codes[a] * sizes[b] + codes[b], minlength=sizes[a] * sizes[b])
            independent = rows * np.outer(marginal[a], marginal[b]).ravel()
            scores[(a, b)] = float(np.abs(true - independent).sum()) - noise_size * sizes[a] * sizes[b]
        for _ in range(len(columns) - 1):
            candidates = [pair for pair in scores if root(pair[0]) != root(pair[1])]
            a, b = candidates[choose([scores[pair] for pair in candidates])]
            part[root(b)] = root(a)
            edges.append((a, b))
        spent += phase

        # 3. The chosen pairs' counts, 4. raked to the one-way counts.
        pair_counts = {
            (a, b): _raked(
                _noisy_counts(codes[a] * sizes[b] + codes[b], sizes[a] * sizes[b], two_way_scale).reshape(
                    sizes[a], sizes[b]
                ),
                rows * marginal[a],
                rows * marginal[b],
            )
            for a, b in edges
        }
        spent += phase

    # 5. Sample down the tree from the first column.
    generator = np.random.default_rng(seed if seed is not None else secrets.randbits(64))
    sampled = {columns[0]: generator.choice(sizes[columns[0]], size=rows, p=marginal[columns[0]])}
    oriented: list[tuple[str, str]] = []
    while len(sampled) < len(columns):
        for a, b in edges:
            if (a in sampled) != (b in sampled):
                parent, child = (a, b) if a in sampled else (b, a)
                table = pair_counts[(a, b)] if parent == a else pair_counts[(a, b)].T
                sampled[child] = _sample_given(generator, sampled[parent], table, marginal[child])
                oriented.append((parent, child))
    synthetic = pl.DataFrame(
        {c: np.array(domains[c], dtype=object)[sampled[c]].tolist() for c in columns},
        schema=dict.fromkeys(columns, pl.String),
    )
    return Synthesis(synthetic, spent, tuple(oriented))


def _mean_absolute_noise(scale: float) -> float:
    """E|X| of the discrete Laplace noise of this scale."""
    q = math.exp(-1 / scale)
    return 2 * q / ((1 - q) * (1 + q))


RAKING_ROUNDS = 20


def _raked(noisy: np.ndarray, row_totals: np.ndarray, column_totals: np.ndarray) -> np.ndarray:
    """The noisy table, negatives set to 0, scaled in turn to the row and column totals (iterative
    proportional fitting). A small share of the independent table keeps every cell reachable."""
    table = np.maximum(noisy, 0) + 1e-6 * np.outer(row_totals, column_totals) / max(row_totals.sum(), 1)
    for _ in range(RAKING_ROUNDS):
        table *= (row_totals / np.maximum(table.sum(axis=1), 1e-12))[:, None]
        table *= (column_totals / np.maximum(table.sum(axis=0), 1e-12))[None, :]
    return table


def _sample_given(generator, parents: np.ndarray, table: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """For each row, a child value drawn from the table's row of its parent value (the child's own
    distribution when that row holds nothing)."""
    children = np.empty(len(parents), dtype=np.int64)
    for value in np.unique(parents):
        at = np.nonzero(parents == value)[0]
        row = table[value]
        probabilities = row / row.sum() if row.sum() > 0 else fallback
        children[at] = generator.choice(len(probabilities), size=len(at), p=probabilities)
    return children


def marginal_errors(real: pl.DataFrame, synthetic: pl.DataFrame, ways=(1, 2, 3)) -> dict[int, MarginalError]:
    """Mean error of every k-way marginal of the synthetic data against the real data."""
    columns = real.columns
    codes_real, codes_synthetic, sizes = {}, {}, {}
    for column in columns:
        values = sorted(set(real[column].to_list()) | set(synthetic[column].to_list()), key=str)
        index = {value: code for code, value in enumerate(values)}
        codes_real[column] = np.array([index[v] for v in real[column].to_list()], dtype=np.int64)
        codes_synthetic[column] = np.array([index[v] for v in synthetic[column].to_list()], dtype=np.int64)
        sizes[column] = len(values)
    errors = {}
    for way in ways:
        absolute, variation = [], []
        for subset in itertools.combinations(columns, way):
            key_real = np.zeros(real.height, dtype=np.int64)
            key_synthetic = np.zeros(synthetic.height, dtype=np.int64)
            for column in subset:
                key_real = key_real * sizes[column] + codes_real[column]
                key_synthetic = key_synthetic * sizes[column] + codes_synthetic[column]
            cells = math.prod(sizes[c] for c in subset)
            counts_real = np.bincount(key_real, minlength=cells)
            counts_synthetic = np.bincount(key_synthetic, minlength=cells)
            occupied = (counts_real > 0) | (counts_synthetic > 0)
            absolute.append(np.abs(counts_real - counts_synthetic)[occupied].mean())
            variation.append(
                0.5 * np.abs(counts_real / counts_real.sum() - counts_synthetic / max(1, counts_synthetic.sum())).sum()
            )
        errors[way] = MarginalError(way, float(np.mean(absolute)), float(np.mean(variation)))
    return errors


def release_domains(years: list[str]) -> dict[str, list[str]]:
    """The public values of each column of the synthetic file."""
    return {
        "year": years,
        "sex": [*codelists.KNOWN_GENDERS, UNKNOWN],
        "age_band": [*(str(age) for age in range(OLDEST_AGE + 1)), UNKNOWN],
        "citizenship": [*COUNTED_CITIZENSHIPS, OTHER, UNKNOWN],
        "department": [*(p.ubigeo for p in geography.departments()), UNKNOWN],
        "recruiter_relationship_group": codelists.RELATIONSHIP_GROUP.values,
        "family_facilitated": ["0", "1"],
        **{column: ["0", "1"] for column in EXPLOITATION_COLUMNS},
    }


def synthetic_columns(case_table: pl.DataFrame) -> pl.DataFrame:
    """The case table in the synthetic file's columns: the microdata's, ungeneralised (age in years,
    the oldest ages as OLDEST_AGE; citizenships outside South America as "other")."""
    return case_table.select(
        "year",
        "sex",
        pl.col("age").clip(upper_bound=OLDEST_AGE).cast(pl.String).fill_null(UNKNOWN).alias("age_band"),
        pl.when(pl.col("citizenship").is_in([*COUNTED_CITIZENSHIPS, UNKNOWN]))
        .then(pl.col("citizenship"))
        .otherwise(pl.lit(OTHER))
        .alias("citizenship"),
        "department",
        "recruiter_relationship_group",
        pl.col("family_facilitated").cast(pl.String),
        *(pl.col(c).cast(pl.String) for c in EXPLOITATION_COLUMNS),
    ).select(MICRODATA_COLUMNS)


def synthetic_microdata(
    case_table: pl.DataFrame, epsilon: float, years: list[str], seed: int | None = None
) -> tuple[Synthesis, dict[int, MarginalError]]:
    """The synthetic file's rows for a release and their error against the real cases."""
    real = synthetic_columns(case_table)
    synthesis = synthesise(real, release_domains(years), epsilon, seed)
    return synthesis, marginal_errors(real, synthesis.frame)
