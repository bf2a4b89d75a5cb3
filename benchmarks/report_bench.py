"""How fast the full annual report is on a registry of a million cases (SQLite).

Run with `make bench` or `python -m benchmarks.report_bench [--size tiny] [--cases N] [--runs R]`.
Reuses the statistics benchmark's database builder (plain sqlite3 executemany
after `migrate`), then times the whole report for one year (every table,
crosstab, chart, map and sentence, rendered as HTML, and as XLSX): in a
running server (statistics snapshot in memory), in a new process (snapshot
from its sealed copy) and right after the registry changed (snapshot read
from the database); against two references over the same one-way tables: the
plain limit (one hand-written SQL GROUP BY per table) and the naive way (ORM
objects iterated in Python, one run).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.environment import parse_sized
from benchmarks.stats_bench import YEAR, naive_count, plain_sql, prepare_registry

SIZES = {"full": {"cases": 1_000_000, "runs": 5}, "tiny": {"cases": 2_000, "runs": 1}}
TARGET_S = 3.0


def _timed(function, runs: int) -> list[float]:
    function()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help="cases in the registry")
    parser.add_argument("--runs", type=int, help="timed runs of the report, after one warm-up")
    parser.add_argument(
        "--skip-naive", action="store_true", help="leave out the naive way (minutes on a million cases)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the filled database in DIR and reuse it when it is already there "
        "(the statistics benchmark's --keep directory will do)",
    )
    options = parse_sized(parser, argv, SIZES)

    with tempfile.TemporaryDirectory(prefix="amparo-bench-") as tmp:
        prepare_registry(options.keep or Path(tmp), options.cases)
        from django.db import connection

        from amparo.reports.annual import REPORT_DIMENSIONS, build_annual_report
        from amparo.reports.writers import render_report

        def report(fmt: str):
            return render_report(build_annual_report(year=YEAR, lang="es", suppress=True), fmt)

        from amparo.registry.services import registry_changed
        from amparo.stats import snapshot

        def after_a_change():
            registry_changed()
            return report("html")

        def new_process():
            snapshot._cached.clear()
            return report("html")

        changed = _timed(after_a_change, 1)
        copied = _timed(new_process, max(1, options.runs // 2))
        html = _timed(lambda: report("html"), options.runs)
        xlsx = _timed(lambda: report("xlsx"), max(1, options.runs // 2))
        built = build_annual_report(year=YEAR, lang="es", suppress=True)
        sql = plain_sql()
        where = f"WHERE c.registration_date >= '{YEAR}-01-01' AND c.registration_date < '{YEAR + 1}-01-01'"

        def plain():
            with connection.cursor() as cursor:
                for name in REPORT_DIMENSIONS:
                    cursor.execute(sql[name].format(where=where))
                    cursor.fetchall()
                cursor.execute(sql["year"].format(where=""))
                cursor.fetchall()

        plain_s = statistics.median(_timed(plain, options.runs))
        html_p50, html_max = statistics.median(html), max(html)
        print(
            f"# report {YEAR}: {len(built.tables)} tables, {len(built.maps) + len(built.charts)} maps and trend charts, "
            f"{sum(1 for t in built.tables if t.chart)} bar charts"
        )
        print(f"{'what':<58} {'seconds':>9} {'vs report':>10}")
        print(
            f"{'full annual report, HTML (median of ' + str(options.runs) + ')':<58} {html_p50:>9.2f} {'1.00x':>10}"
            f"  {'ok' if html_max < TARGET_S else 'SLOW'} (max {html_max:.2f} s; target {TARGET_S:.0f} s)"
        )
        print(
            f"{'  same, in a new process (snapshot from its sealed copy)':<58} {statistics.median(copied):>9.2f} "
            f"{statistics.median(copied) / html_p50:>9.2f}x  {'ok' if max(copied) < TARGET_S else 'SLOW'}"
        )
        print(
            f"{'  same, right after a change (snapshot from the database)':<58} {changed[0]:>9.2f} "
            f"{changed[0] / html_p50:>9.2f}x"
        )
        print(
            f"{'full annual report, XLSX (median)':<58} {statistics.median(xlsx):>9.2f} "
            f"{statistics.median(xlsx) / html_p50:>9.2f}x"
        )
        print(
            f"{'plain limit: one SQL GROUP BY per one-way table + trend':<58} {plain_s:>9.2f} "
            f"{plain_s / html_p50:>9.2f}x"
        )
        if not options.skip_naive:
            start = time.perf_counter()
            for name in REPORT_DIMENSIONS:
                naive_count(name, YEAR)
            naive_count("year", None)
            naive_s = time.perf_counter() - start
            print(
                f"{'naive: ORM objects in Python, one-way tables + trend only':<58} {naive_s:>9.2f} "
                f"{naive_s / html_p50:>9.2f}x"
            )
        print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
