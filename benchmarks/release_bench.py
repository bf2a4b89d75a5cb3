"""Publication's three protections on one synthetic table, beside their baselines, in one run.

Run with `python -m benchmarks.release_bench [--size full|tiny] [--rows N] [--anjana-python PATH]`.

- k-anonymity at k=5 on six quasi-identifiers (sex, age, citizenship, department,
  recruiter relationship group, exploitation): Amparo's lattice search, a full
  scan of the same lattice without bound or pruning (the same node evaluation,
  so the difference is the search), and anjana (greedy), when an interpreter
  that has it is given (anjana pins NumPy and pandas versions Amparo does not
  use, so it lives in a virtual environment of its own);
- DP synthetic data at epsilon 4 on the same six columns: Amparo's synthesiser
  and pac-synth (CTDC's method, a development dependency), with the same
  marginal error measure;
- the DP tables' realised error against their stated 95% bound over repeated
  releases of one year of the table.

--size tiny runs everything on a small table, once, to check the benchmark works.
"""

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
os.environ.setdefault("AMPARO_DATA_DIR", tempfile.mkdtemp(prefix="amparo-release-bench-"))

import django

django.setup()

import numpy as np
import polars as pl

from amparo.core import codelists
from amparo.release.domain import dp_tables, kanonymity, microdata, synthetic
from amparo.release.domain.cases import EXPLOITATION_COLUMNS
from benchmarks.environment import parse_sized
from benchmarks.release_data import synthetic_case_table

K = 5
SIZES = {"full": {"rows": 30_000, "runs": 3, "releases": 50}, "tiny": {"rows": 1_500, "runs": 1, "releases": 3}}
EPSILON_SYNTHETIC = 4.0
EPSILON_TABLES = 2.0
QUASI_IDENTIFIERS = ("sex", "age_band", "citizenship", "department", "recruiter_relationship_group", "exploitation")
# The anchors measured by an outside audit on a table like this one (issue 12).
ANCHORS = {"anjana_seconds": 6.4, "pac_synth_seconds": 33.5, "pac_synth_two_way_error": 51.9, "pac_synth_tvd": 0.095}


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def timed(function, runs: int):
    """(best seconds of `runs`, the last result)."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def full_scan(table: pl.DataFrame, hierarchies: list[kanonymity.Hierarchy], k: int):
    """Every node of the lattice evaluated as the search evaluates one, the least loss kept: the baseline."""
    encoded = kanonymity._encode(table, hierarchies)
    allowed = int(np.floor(kanonymity.DEFAULT_MAX_SUPPRESSION * table.height))
    best = None
    for node in itertools.product(*(range(h.heights) for h in hierarchies)):
        small = kanonymity._class_sizes(encoded, node) < k
        if int(encoded.weights[small].sum()) > allowed:
            continue
        kept = sum(encoded.losses[c][level] for c, level in enumerate(node))
        loss = float((encoded.weights * np.where(small, 1.0, kept)).sum() / table.height)
        if best is None or loss < best[0]:
            best = (loss, node)
    return best


ANJANA_SCRIPT = """
import json, sys, time
import pandas as pd
from anjana.anonymity import k_anonymity
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
spec = json.load(open(sys.argv[2]))
hierarchies = {column: {int(level): pd.Series(values) for level, values in levels.items()}
               for column, levels in spec["hierarchies"].items()}
start = time.perf_counter()
result = k_anonymity(data, [], list(data.columns), spec["k"], spec["suppression"], hierarchies)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": len(result),
                  "age_values": sorted(set(result["age_band"].astype(str)))[:20]}))
"""


def run_anjana(python: str, table: pl.DataFrame, hierarchies: list[kanonymity.Hierarchy]) -> dict | None:
    """anjana's k-anonymity on the same table and hierarchies (its level 0 the value, as ours; suppression as '*')."""
    with tempfile.TemporaryDirectory() as directory:
        data_path, spec_path = Path(directory) / "data.csv", Path(directory) / "spec.json"
        table.write_csv(data_path)
        spec = {"k": K, "suppression": 100 * kanonymity.DEFAULT_MAX_SUPPRESSION, "hierarchies": {}}
        for hierarchy in hierarchies:
            values = table[hierarchy.column].unique().sort().to_list()
            spec["hierarchies"][hierarchy.column] = {
                level: [hierarchy.at(v, level).label or "*" for v in values] for level in range(hierarchy.heights)
            }
        spec_path.write_text(json.dumps(spec))
        finished = subprocess.run(
            [python, "-c", ANJANA_SCRIPT, str(data_path), str(spec_path)], capture_output=True, text=True
        )
    if finished.returncode != 0:
        print(f"# anjana failed: {finished.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(finished.stdout.strip().splitlines()[-1])


def anjana_interpreter(given: str | None) -> str | None:
    if given:
        return given
    try:
        import anjana  # noqa: F401
    except ImportError:
        return None
    return sys.executable


def six_columns(table: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """The synthesiser's six columns: exploitation as one column (its types joined), with public domains."""
    codes = codelists.EXPLOITATION_TYPE.values
    profiles = ["none", *codes, *("+".join(pair) for pair in itertools.combinations(codes, 2))]
    real = (
        synthetic.synthetic_columns(table)
        .with_columns(
            pl.concat_list(
                pl.when(pl.col(c) == "1").then(pl.lit(c.removeprefix("exploitation_"))).otherwise(None)
                for c in EXPLOITATION_COLUMNS
            )
            .list.drop_nulls()
            .list.join("+")
            .alias("exploitation")
        )
        .with_columns(
            pl.when(pl.col("exploitation") == "")
            .then(pl.lit("none"))
            .otherwise(pl.col("exploitation"))
            .alias("exploitation")
        )
        .select(QUASI_IDENTIFIERS)
    )
    domains = {c: synthetic.release_domains([])[c] for c in QUASI_IDENTIFIERS[:-1]} | {"exploitation": profiles}
    return real, domains


def run_pac_synth(real: pl.DataFrame) -> tuple[float, pl.DataFrame] | None:
    try:
        import pacsynth
    except ImportError:
        return None
    raw = [list(real.columns), *real.rows()]
    start = time.perf_counter()
    dataset = pacsynth.Dataset(raw, sensitive_zeros=list(real.columns))
    parameters = pacsynth.DpAggregateSeededParametersBuilder().epsilon(EPSILON_SYNTHETIC).build()
    synthesiser = pacsynth.DpAggregateSeededSynthesizer(parameters)
    synthesiser.fit(dataset)
    sampled = synthesiser.sample()
    seconds = time.perf_counter() - start
    frame = pl.DataFrame(sampled[1:], schema=sampled[0], orient="row")
    return seconds, frame.with_columns(pl.col(c).replace("", "(empty)") for c in frame.columns)


def errors_line(name: str, seconds: float, errors: dict) -> str:
    parts = [
        f"{way}-way {e.mean_absolute_error:.1f}/cell TVD {e.total_variation_distance:.3f}" for way, e in errors.items()
    ]
    return f"{name:<34} {seconds:7.2f} s   " + "   ".join(parts)


def table_coverage(table: pl.DataFrame, releases: int) -> dict[str, float]:
    """Share of published counts within their stated bound, over `releases` releases of the table."""
    keys, keyed = dp_tables.dimension_keys(), dp_tables._keyed(table)
    truth = {}
    for measurement in dp_tables.MEASUREMENTS[1:]:
        values = pl.Series(dp_tables._key_column(keyed, measurement)).value_counts()
        counted = dict(zip(values[:, 0].to_list(), values["count"].to_list()))
        truth[measurement.slug] = np.array(
            [counted.get(dp_tables.SEPARATOR.join(cell), 0) for cell in dp_tables._cells(measurement, keys)]
        )
    within: dict[str, list[bool]] = {}
    for _ in range(releases):
        released = dp_tables.dp_tables(table, EPSILON_TABLES)
        for slug, published in released.tables.items():
            error = np.abs(np.array(published.counts) - truth[slug])
            within.setdefault(slug, []).extend(error <= published.error_bound)
    return {slug: float(np.mean(hits)) for slug, hits in within.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="synthetic cases in the table")
    parser.add_argument("--runs", type=int, help="timed runs of each method")
    parser.add_argument("--releases", type=int, help="DP table releases for the coverage figure")
    parser.add_argument("--anjana-python", default=None, help="an interpreter that has anjana installed")
    options = parse_sized(parser, argv, SIZES)
    print(f"# {machine()}; load average {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    table = synthetic_case_table(options.rows)
    print(f"# {table.height:,} synthetic cases generated in {time.perf_counter() - start:.1f} s")

    print(f"\n## k-anonymity, k={K}, six quasi-identifiers, at most 5% of rows suppressed")
    quasi = microdata.quasi_identifiers(table).select(QUASI_IDENTIFIERS)
    by_column = {h.column: h for h in microdata.hierarchies(1)}
    hierarchies = [by_column[c] for c in QUASI_IDENTIFIERS]
    seconds, result = timed(lambda: kanonymity.anonymise(quasi, hierarchies, K), options.runs)
    print(
        f"lattice search         {seconds:7.3f} s   {result.nodes_evaluated} of {result.lattice_size} nodes evaluated; "
        f"age: {result.levels['age_band']}; suppressed {result.suppressed} ({100 * result.suppressed_share:.1f}%); "
        f"loss {result.loss:.4f}"
    )
    print(f"  levels: {result.levels}")
    scan_seconds, (scan_loss, scan_node) = timed(lambda: full_scan(quasi, hierarchies, K), 1)
    same = "the same node" if scan_node == result.node else f"node {scan_node}"
    print(f"full scan (baseline)   {scan_seconds:7.3f} s   every node; least loss {scan_loss:.4f} at {same}")
    python = anjana_interpreter(options.anjana_python)
    anjana = run_anjana(python, quasi, hierarchies) if python else None
    if anjana:
        print(
            f"anjana (greedy)        {anjana['seconds']:7.3f} s   {anjana['rows']} rows kept; "
            f"age values: {anjana['age_values'][:8]}"
        )
    else:
        print(f"anjana                 not installed here (anchor: {ANCHORS['anjana_seconds']} s, 20-year age bands)")

    print(f"\n## DP synthetic data, epsilon {EPSILON_SYNTHETIC:g}, six columns; error of every k-way marginal")
    real, domains = six_columns(table)
    seconds, synthesis = timed(lambda: synthetic.synthesise(real, domains, EPSILON_SYNTHETIC), options.runs)
    print(errors_line("Amparo (tree of noisy marginals)", seconds, synthetic.marginal_errors(real, synthesis.frame)))
    pac = run_pac_synth(real)
    if pac:
        print(errors_line("pac-synth", pac[0], synthetic.marginal_errors(real, pac[1])))
    else:
        print(
            f"pac-synth not installed here (anchor: {ANCHORS['pac_synth_seconds']} s, 2-way "
            f"{ANCHORS['pac_synth_two_way_error']}/cell, TVD {ANCHORS['pac_synth_tvd']})"
        )

    year = table["year"].mode().sort()[0]
    one_year = table.filter(pl.col("year") == year)
    print(
        f"\n## DP tables, epsilon {EPSILON_TABLES:g}, {options.releases} releases of {year} "
        f"({one_year.height:,} cases): share of counts within the stated 95% bound"
    )
    for slug, share in table_coverage(one_year, options.releases).items():
        print(f"{slug:<32} {share:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
