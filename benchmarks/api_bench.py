"""How fast the API takes cases in and hands a statistics table out, over HTTP to `amparo serve` (SQLite).

Run with `make bench` or `python -m benchmarks.api_bench [--size tiny] [--cases N] [--single N]
[--registry N] [--clients C] [--requests R] [--keep DIR]`.

Sending: the import benchmark's synthetic cases (benchmarks.import_bench.write_case_file), each way in a
fresh process on a fresh database:
- the importer directly (`amparo import`'s service on the CSV file): the fastest plain way;
- POST /api/v1/cases/batch, batches of 500 (the most one batch holds), one after the other;
- POST /api/v1/cases, one case a request: the naive way (the first --single cases).
Every way validates, normalises and stores with the same code; the API adds HTTP, JSON, the token, the rate
limit and one audit event a call.

Reading: GET /api/v1/stats/count/department for one year, from C concurrent clients (threads, one keep-alive
connection each), R requests in all, on the demo registry (`amparo synth`) and on a registry of --registry
cases (benchmarks.stats_bench.fill): latency p50, p95 and max, errors (any answer but 200) and requests a
second; and one client alone (R/20 calls one after another). Beside it the fastest plain way,
`engine.count_by` called in the process (no HTTP, token or audit; p95 of R runs), and on the demo registry
the naive way a client without the statistics endpoint would take: every case of the year read page by page
through GET /api/v1/cases and counted by department. Both answers are checked against the endpoint's.
"""

import argparse
import http.client
import io
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

import polars as pl

from benchmarks.environment import migrated, parse_sized, served
from benchmarks.stats_bench import YEAR, p95, prepare_registry

SIZES = {
    "full": {
        "cases": 20_000,
        "single": 200,
        "registry": 1_000_000,
        "clients": 50,
        "requests": 2_000,
        "demo_years": "2010-2025",
    },
    "tiny": {"cases": 600, "single": 10, "registry": 2_000, "clients": 5, "requests": 50, "demo_years": str(YEAR)},
}
TARGET_P95_MS = 200.0
PAGE = 200  # the longest page GET /api/v1/cases gives
COUNT_PATH = f"/stats/count/department?year={YEAR}"
# The benchmark's clients call faster than a client may (settings.API_RATE_PER_MINUTE).
SERVER_SETTINGS = {"AMPARO_API_RATE_PER_MINUTE": str(10**9)}


# Children: each in a process of its own, on its own data directory ------------------------------------------


def child_import(path: Path, data_dir: Path) -> dict:
    migrated(data_dir)
    from amparo.exchange.services import file_import
    from amparo.registry.models import Organisation

    source = Organisation.objects.create(name="Benchmark", org_type="NGO", is_synthetic=True)
    start = time.perf_counter()
    batch = file_import(data=path.read_bytes(), file_name=path.name, source=source)
    return {"seconds": time.perf_counter() - start, "created": batch.created, "rejected": batch.rejected}


def child_prepare(registry: str, data_dir: Path, runs: int) -> dict:
    """A registry (`empty`, `demo:YEARS` from `amparo synth`, or `fill:N` from stats_bench.fill), an API client
    for it (a data manager with every case in scope, so figures are exact and every case readable), and the
    engine's own time for the count the API is asked for."""
    if registry.startswith("fill:"):
        prepare_registry(data_dir, int(registry.removeprefix("fill:")))
    else:
        migrated(data_dir)
    from django.core.management import call_command

    from amparo.api.services import client_create
    from amparo.registry.models import Case, Organisation
    from amparo.registry.services import registry_changed
    from amparo.stats import engine

    if registry.startswith("fill:"):
        # The fill wrote the tables behind the registry's back: a new revision, so the statistics read here are
        # sealed for the server to start from, as after any import.
        registry_changed()

    if registry.startswith("demo:") and not Case.objects.exists():
        call_command("synth", years=registry.removeprefix("demo:"), stdout=io.StringIO())
    source = Organisation.objects.order_by("pk").first() or Organisation.objects.create(
        name="Benchmark", org_type="NGO", is_synthetic=True
    )
    _client, token = client_create(
        name=f"bench-{os.getpid()}-{time.time_ns()}", organisation=source, role="data_manager", scope="all"
    )
    filters = engine.CaseFilter(years=(YEAR,))
    table = engine.count_by("department", filters)  # warm-up: the snapshot read once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        engine.count_by("department", filters)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "token": token,
        "cases": Case.objects.count(),
        "engine_p95_ms": p95(samples),
        "counts": {row.key: row.count for row in table.rows if row.count},
    }


def _run_child(*args: str) -> dict:
    """A child's answer: the last line it prints."""
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.api_bench", "--child", *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# The API's clients ---------------------------------------------------------------------------------------------


class Api:
    """One keep-alive connection to the served API, with a client's token."""

    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url, token
        address = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=600)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict, float]:
        """(status, parsed body, seconds from sending to the last byte)."""
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        start = time.perf_counter()
        self.connection.request(method, "/api/v1" + path, body=payload, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - start
        return response.status, json.loads(data) if data else {}, seconds


def cases_of(path: Path) -> list[dict]:
    """The CSV's rows as the API's cases: the same fields, empty cells left out."""
    frame = pl.read_csv(path, infer_schema=False)
    return [{name: value for name, value in row.items() if value} for row in frame.iter_rows(named=True)]


def send(base_url: str, token: str, cases: list[dict], per_request: int) -> dict:
    api, latencies, created = Api(base_url, token), [], 0
    start = time.perf_counter()
    for first in range(0, len(cases), per_request):
        part = cases[first : first + per_request]
        if per_request == 1:
            status, answer, seconds = api.call("POST", "/cases", part[0])
        else:
            status, answer, seconds = api.call("POST", "/cases/batch", {"cases": part})
        if status != 200:
            raise RuntimeError(f"cases {first}-{first + len(part) - 1} refused ({status}): {answer}")
        created += answer["created"]
        latencies.append(seconds * 1000)
    seconds = time.perf_counter() - start
    assert created == len(cases), f"{created} of {len(cases)} cases created"
    return {"seconds": seconds, "p95_ms": p95(latencies)}


def concurrent_calls(base_url: str, token: str, path: str, clients: int, requests: int) -> dict:
    """`clients` threads calling GET path together, `requests` calls in all."""

    def one_client(_index: int) -> tuple[list[float], int]:
        api, latencies, errors = Api(base_url, token), [], 0
        for _ in range(max(1, requests // clients)):
            try:
                status, _answer, seconds = api.call("GET", path)
            except (OSError, http.client.HTTPException):
                errors += 1
                api = Api(base_url, token)
                continue
            latencies.append(seconds * 1000)
            errors += status != 200
        return latencies, errors

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one_client, range(clients)))
    seconds = time.perf_counter() - start
    latencies = sorted(ms for client, _errors in results for ms in client)
    calls = sum(len(client) + errors for client, errors in results)
    return {
        "p50_ms": latencies[len(latencies) // 2] if latencies else float("nan"),
        "p95_ms": p95(latencies) if latencies else float("nan"),
        "max_ms": latencies[-1] if latencies else float("nan"),
        "errors": sum(errors for _client, errors in results),
        "calls": calls,
        "per_second": calls / seconds,
    }


def counts_of(answer: dict) -> dict[str, int]:
    return {row["key"]: row["count"] for row in answer["rows"] if row["key"] != "total" and row["count"]}


def naive_counts(base_url: str, token: str) -> dict:
    """Every case of the year read through GET /api/v1/cases and counted by department by the client."""
    api, counts, pages, cursor = Api(base_url, token), Counter(), 0, None
    start = time.perf_counter()
    while True:
        path = f"/cases?year={YEAR}&limit={PAGE}" + (f"&cursor={quote(cursor)}" if cursor else "")
        status, answer, _seconds = api.call("GET", path)
        assert status == 200, answer
        pages += 1
        counts.update(case["department"] or "unknown" for case in answer["items"])
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    return {"seconds": time.perf_counter() - start, "pages": pages, "counts": dict(counts)}


def _read(name: str, data_dir: Path, registry: str, options, naive: bool) -> None:
    prepared = _run_child("prepare", registry, str(data_dir), str(options.requests))
    token = prepared["token"]
    with served(data_dir, **SERVER_SETTINGS) as url:
        status, answer, first = Api(url, token).call("GET", COUNT_PATH)
        assert status == 200, answer
        assert counts_of(answer) == prepared["counts"], "the API's counts differ from the engine's"
        alone = concurrent_calls(url, token, COUNT_PATH, 1, max(10, options.requests // 20))
        loaded = concurrent_calls(url, token, COUNT_PATH, options.clients, options.requests)
        walked = naive_counts(url, token) if naive else None
    label = f"{name} ({prepared['cases']:,} cases)"
    engine_ms = prepared["engine_p95_ms"]
    print(f"  {label}: first call {first:.2f} s (statistics from the copy the preparing process sealed)")
    print(
        f"  {label}: one client, {alone['calls']} calls: API p50 {alone['p50_ms']:.1f} ms, p95 {alone['p95_ms']:.1f} ms; "
        f"engine in-process (fastest plain way) p95 {engine_ms:.2f} ms; API p95 / engine {alone['p95_ms'] / engine_ms:,.2f}x"
    )
    print(
        f"  {label}: {options.clients} clients at once: API p50 {loaded['p50_ms']:.1f} ms, p95 {loaded['p95_ms']:.1f} ms, "
        f"max {loaded['max_ms']:.1f} ms, errors {loaded['errors']} of {loaded['calls']:,}, "
        f"{loaded['per_second']:.1f} requests/s (target p95 < {TARGET_P95_MS:.0f} ms, no errors)"
    )
    if walked is not None:
        assert walked["counts"] == prepared["counts"], "the cases read one by one give other counts"
        print(
            f"  {label}: naive ({sum(walked['counts'].values()):,} cases of {YEAR} read through GET /api/v1/cases, "
            f"{walked['pages']:,} pages of {PAGE}) {walked['seconds']:.2f} s; "
            f"naive / API (one client) p50 {walked['seconds'] * 1000 / alone['p50_ms']:,.2f}x"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help="cases sent by the importer and in batches")
    parser.add_argument("--single", type=int, help="cases sent one a request (the first ones)")
    parser.add_argument("--registry", type=int, help="cases in the large registry the statistics are read from")
    parser.add_argument("--clients", type=int, help="concurrent clients reading statistics")
    parser.add_argument("--requests", type=int, help="statistics requests in all (and in-process runs)")
    parser.add_argument("--demo-years", help="the years of the demo registry (`amparo synth --years`)")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the large registry in DIR and reuse it when it is already there "
        "(the statistics benchmark's --keep directory will do)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parse_sized(parser, argv, SIZES)
    if options.child:
        kind, *args = options.child
        if kind == "import":
            result = child_import(Path(args[0]), Path(args[1]))
        else:
            result = child_prepare(args[0], Path(args[1]), int(args[2]))
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="amparo-api-bench-") as tmp:
        tmp = Path(tmp)
        for name in ("gen", "import", "batches", "single", "demo"):
            (tmp / name).mkdir()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
        os.environ["AMPARO_DATA_DIR"] = str(tmp / "gen")
        import django

        django.setup()
        from amparo.api.schemas import MAX_BATCH
        from benchmarks.import_bench import write_case_file

        path = tmp / "cases.csv"
        write_case_file(path, options.cases)
        cases = cases_of(path)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.1f} at the start",
            flush=True,
        )

        print(f"sending {options.cases:,} cases, each way on a fresh database:", flush=True)
        imported = _run_child("import", str(path), str(tmp / "import"))
        assert imported["created"] == options.cases, imported
        ways = [("importer directly (fastest plain way)", options.cases, imported["seconds"], "")]
        for name, per_request, count in (
            (f"API, batches of {MAX_BATCH}", MAX_BATCH, options.cases),
            (f"API, one case a request (naive; the first {options.single:,})", 1, options.single),
        ):
            data_dir = tmp / ("batches" if per_request > 1 else "single")
            token = _run_child("prepare", "empty", str(data_dir), "1")["token"]
            with served(data_dir, **SERVER_SETTINGS) as url:
                sent = send(url, token, cases[:count], per_request)
            unit = "a batch" if per_request > 1 else "a request"
            ways.append((name, count, sent["seconds"], f"  (p95 {sent['p95_ms']:,.1f} ms {unit})"))
        per_case = imported["seconds"] / options.cases
        for name, count, seconds, note in ways:
            print(
                f"  {name:<50} {seconds:>8.2f} s {count / seconds:>10,.0f} cases/s "
                f"{seconds / count / per_case:>9.2f}x{note}",
                flush=True,
            )

        print(
            f"reading GET /api/v1{COUNT_PATH}, {options.clients} concurrent clients, {options.requests:,} requests:",
            flush=True,
        )
        _read("demo registry", tmp / "demo", f"demo:{options.demo_years}", options, naive=True)
        large = options.keep or tmp / "large"
        _read("large registry", large, f"fill:{options.registry}", options, naive=False)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
