"""The benchmarks (`benchmarks/*_bench.py`) keep working: they are not run by anything else day to day."""

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from amparo.exchange.services import file_import
from amparo.registry import bulk
from amparo.registry.models import Organisation
from benchmarks import import_bench

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted(path.stem for path in (ROOT / "benchmarks").glob("*_bench.py"))
# What each benchmark prints on its tiny input: a pattern for each line of its own figures and of the
# baselines it compares them with (a number in each, where a crash or a renamed column would leave none).
NUMBER = r"[\d,]+\.\d+"
PRINTS = {
    "api_bench": {
        "figures": [
            rf"^  API, batches of 500 +{NUMBER} s +[\d,]+ cases/s +{NUMBER}x",
            rf"^  demo registry \([\d,]+ cases\): one client, \d+ calls: API p50 {NUMBER} ms, p95 {NUMBER} ms",
            (
                rf"^  demo registry \([\d,]+ cases\): \d+ clients at once: API p50 {NUMBER} ms, p95 {NUMBER} ms, "
                rf"max {NUMBER} ms, errors 0 of [\d,]+, {NUMBER} requests/s"
            ),
            rf"^  large registry \([\d,]+ cases\): \d+ clients at once: API p50 {NUMBER} ms, .* errors 0 of [\d,]+",
        ],
        # the importer itself and one case a request; the engine in the process and every case read page by page
        "baselines": [
            rf"^  importer directly \(fastest plain way\) +{NUMBER} s +[\d,]+ cases/s +1\.00x",
            rf"^  API, one case a request \(naive; .*\) +{NUMBER} s +[\d,]+ cases/s +{NUMBER}x",
            rf"^  demo registry .*; engine in-process \(fastest plain way\) p95 {NUMBER} ms; API p95 / engine {NUMBER}x",
            rf"^  large registry .*; engine in-process \(fastest plain way\) p95 {NUMBER} ms; API p95 / engine {NUMBER}x",
            rf"^  demo registry .*: naive \([\d,]+ cases of \d+ read .*\) {NUMBER} s; naive / API \(one client\) p50 {NUMBER}x",
        ],
    },
    "import_bench": {
        "figures": [
            rf"^import: {NUMBER} s, [\d,]+ rows/s",
            rf"^  of which: read {NUMBER} s, validate and normalise {NUMBER} s, store {NUMBER} s",
        ],
        "baselines": [
            rf"^plain limit \(.*\): {NUMBER} s, [\d,]+ rows/s",
            rf"^ratio import / limit: {NUMBER}x",
            (
                rf"^schema floor \(the [\d,]+ rows stored.*\): {NUMBER} s, .*"
                rf"ratio import / floor: {NUMBER}x"
            ),
        ],
    },
    "load_bench": {
        # per page: one-user median, p50, p95 and max under load, requests, errors, p95 / one-user median
        "figures": [
            rf"^{page} +{NUMBER}( +{NUMBER}){{3}} +[\d,]+ +[\d,]+ +{NUMBER}x"
            for page in ("case list", "case detail", "dashboard", "stats API")
        ]
        + [rf"^all pages: [\d,]+ requests, {NUMBER} requests/s, 0 errors"],
        "baselines": [rf"^baseline \(one user, no think time\): case list {NUMBER} ms, .* stats API {NUMBER} ms"],
    },
    "report_bench": {
        "figures": [
            rf"^full annual report, HTML .* {NUMBER} +1\.00x",
            rf"^  same, in a new process .* {NUMBER} +{NUMBER}x",
            rf"^  same, right after a change .* {NUMBER} +{NUMBER}x",
            rf"^full annual report, XLSX .* {NUMBER} +{NUMBER}x",
        ],
        "baselines": [rf"^plain limit: .* {NUMBER} +{NUMBER}x", rf"^naive: .* {NUMBER} +{NUMBER}x"],
    },
    "linkage_bench": {
        "figures": [r"^  amparo +precision \d\.\d+ +recall \d\.\d+ +F1 \d\.\d+ +people \d+ for \d+"],
        # a competent generic Splink configuration on the same records, in the same run
        "baselines": [r"^  generic +precision \d\.\d+ +recall \d\.\d+ +F1 \d\.\d+ +people \d+ for \d+"],
    },
    "release_bench": {
        "figures": [
            rf"^lattice search +{NUMBER} s +\d+ of \d+ nodes evaluated",
            rf"^Amparo \(tree of noisy marginals\) +{NUMBER} s +1-way {NUMBER}/cell",
            rf"^department +{NUMBER}$",
        ],
        # the full lattice scan always; anjana and pac-synth where installed, or their anchors
        "baselines": [
            rf"^full scan \(baseline\) +{NUMBER} s +every node",
            rf"^(anjana \(greedy\) +{NUMBER} s|anjana +not installed here \(anchor: {NUMBER} s)",
            rf"^(pac-synth +{NUMBER} s|pac-synth not installed here \(anchor: {NUMBER} s)",
        ],
    },
    "search_bench": {
        "figures": [
            rf"^name search, case list page .*: CPU p50 {NUMBER} ms, p95 {NUMBER} ms .*wall-clock p50 {NUMBER} ms",
            rf"^  the search alone \(victims_found\): CPU p50 {NUMBER} ms, p95 {NUMBER} ms",
        ],
        # every identity decrypted and matched (finding the same victims), and names in clear under an index
        "baselines": [
            rf"^naive \(decrypt every identity and match\), \d+ searches: CPU p50 {NUMBER} ms.* the same victims",
            rf"^plain \(names in clear, indexed, exact words only\): CPU p50 {NUMBER} ms, p95 {NUMBER} ms",
        ],
    },
    "stats_bench": {
        "figures": [
            rf"^# statistics snapshot read from the database in {NUMBER} s, from its sealed copy in {NUMBER} s",
            rf"^department \(2020\) +{NUMBER} +{NUMBER} ",
            rf"^exploitation \(all years\) +{NUMBER} +{NUMBER} ",
        ],
        # plain SQL (wall-clock, CPU), engine / plain, then the naive way (one year only)
        "baselines": [
            rf"^department \(2020\)( +{NUMBER}){{4}} +{NUMBER}x +[\d,]+ +[\d,]+x",
            rf"^exploitation \(all years\)( +{NUMBER}){{4}} +{NUMBER}x",
        ],
    },
}


@pytest.mark.django_db
def test_the_import_benchmark_splits_an_import_stored_in_parts(tmp_path, monkeypatch):
    """A large import reports each part it stores, so the benchmark cannot count on three reports."""
    path = tmp_path / "cases.csv"
    import_bench.write_case_file(path, 35)
    monkeypatch.setattr(bulk, "CHUNK", 10)
    source = Organisation.objects.create(name="Benchmark", org_type="NGO", is_synthetic=True)
    clock, reported_at = itertools.count(), []
    file_import(
        data=path.read_bytes(),
        file_name=path.name,
        source=source,
        progress=lambda message: reported_at.append(next(clock)),
    )
    assert len(reported_at) == 2 + 4 + 1  # read, checked, four parts of at most 10 rows, the end

    assert import_bench.stage_seconds(reported_at) == (0, 1 - 0, 6 - 1)


def test_every_benchmark_says_what_it_prints():
    assert BENCHMARKS and sorted(PRINTS) == BENCHMARKS


@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_runs_on_a_tiny_input(name):
    expected = PRINTS.get(name, {})
    assert expected.get("figures") and expected.get("baselines"), f"say in PRINTS what {name} prints"
    result = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", "--size", "tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for kind in ("figures", "baselines"):
        for pattern in expected[kind]:
            assert re.search(pattern, result.stdout, re.MULTILINE), (
                f"{name}: no line of {kind} /{pattern}/ in\n{result.stdout}"
            )
