"""The release benchmark runs end to end on a small table (its figures are in docs/benchmarks.md)."""

from benchmarks import release_bench


def test_the_benchmark_smoke_run_prints_every_section(capsys):
    assert release_bench.main(["--smoke"]) == 0
    printed = capsys.readouterr().out
    for line in ("lattice search", "full scan (baseline)", "at the same node", "Amparo (tree of noisy marginals)",
                 "pac-synth", "family_department_exploitation"):
        assert line in printed
