"""How fast `amparo import` stores a large Amparo case file in SQLite, end to end.

Run with `make bench` or `python -m benchmarks.import_bench [--size tiny] [--rows N]`.
Writes a synthetic case file (seeded; mixed spellings such as `Mujer`, `F`,
`Explotación sexual`, ubigeo that lost its leading zero, so normalisation has
work to do; no identifying columns), then, each in a fresh process on a fresh
database:
- the import: read, detect, validate, normalise, store cases, codes,
  perpetrators, events and sealed provenance, in one transaction;
- the plain limit: the same rows read with the csv module and inserted with
  `sqlite3.executemany` into one table, with no validation;
- the schema's floor: every row the import stored (persons, cases, codes,
  perpetrators, events, provenance and its sealed blocks), copied from the
  import's database into a freshly migrated one by `INSERT ... SELECT` in one
  transaction, indexes and constraints in place: SQLite's own work to store
  those rows, with no Python at all.
Prints rows per second, peak memory (maximum resident set size of the process)
and the ratios of the import's time to the other two.
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.environment import migrated, parse_sized

SIZES = {"full": {"rows": 1_000_000}, "tiny": {"rows": 300}}
TARGET_ROWS_PER_SECOND = 100_000
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 2048
# What the import writes, parents first, as the floor copies it (same columns in both databases).
STORED_TABLES = (
    "registry_organisation",
    "registry_person",
    "registry_personidentity",
    "registry_case",
    "registry_casecode",
    "registry_perpetrator",
    "registry_traffickingevent",
    "exchange_importbatch",
    "exchange_originalrowblock",
    "exchange_caseprovenance",
)

GENDERS = ["Mujer", "F", "Femenino", "Feminine", "Hombre", "M", "Masculino", "Masculine", "no especificado"]
EXPLOITATION = [
    "Explotación sexual",
    "SexualExploitation",
    "trabajo forzoso",
    "ForcedLabour",
    "SexualExploitation;ForcedLabour",
    "mendicidad",
    "Servitude",
    "",
]
CONTROL = ["falsas promesas", "DebtBondage", "FalsePromises;PhysicalAbuse", "amenazas", "", ""]
RELATIONSHIPS = [
    "madre",
    "padre",
    "tío",
    "parent",
    "uncle_aunt",
    "pareja",
    "amigo",
    "employer",
    "stranger",
    "unknown",
    "",
]
NETWORK = ["no", "si", "desconocido", "yes", "unknown", ""]
COUNTRIES = ["PE", "Perú", "PER", "VE", "Venezuela", "CO", ""]


def write_case_file(path: Path, rows: int, seed: int = 2010) -> None:
    """A synthetic Amparo case file with realistic spellings (seeded)."""
    from amparo.core import geography

    rng = random.Random(seed)
    districts = [p.ubigeo for p in geography.districts()]
    lima = [d for d in districts if d.startswith("1501")]

    def pick(values):
        return rng.choices(values, k=rows)

    exploitation = [rng.choice(lima) if rng.random() < 0.45 else rng.choice(districts) for _ in range(rows)]
    dates = pl.date_range(pl.date(2015, 1, 1), pl.date(2025, 12, 31), eager=True).dt.strftime("%d/%m/%Y").to_list()
    frame = pl.DataFrame(
        {
            "source_record_id": [f"BENCH-{i}" for i in range(rows)],
            "registration_date": pick(dates),
            "prs_Gender": pick(GENDERS),
            "age": [str(rng.randint(3, 60)) for _ in range(rows)],
            "prs_Citizenship": pick(COUNTRIES),
            "vic_TypeOfExploitation": pick(EXPLOITATION),
            "vic_MethodsOfControl": pick(CONTROL),
            "exploitation_ubigeo": [code.lstrip("0") for code in exploitation],  # as a spreadsheet leaves it
            "recruitment_ubigeo": pick(districts),
            "recruiter_relationship": pick(RELATIONSHIPS),
            "organised_network": pick(NETWORK),
        }
    )
    frame.write_csv(path)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(path: Path, data_dir: Path) -> dict:
    migrated(data_dir)
    from amparo.exchange.services import FileImport
    from amparo.registry.models import Case, Organisation

    source = Organisation.objects.create(name="Benchmark", org_type="NGO", is_synthetic=True)
    stages = []
    start = time.perf_counter()
    # As `amparo import` does: the file's bytes are handed to the import alone, which lets go of them once read.
    job = FileImport(data=path.read_bytes(), file_name=path.name, source=source)
    for _message in job.stages():
        stages.append(round(time.perf_counter() - start, 1))
    batch = job.batch
    seconds = time.perf_counter() - start
    assert batch.created + batch.rejected == batch.rows == Case.objects.count() + batch.rejected
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "created": batch.created,
        "rejected": batch.rejected,
        "stages": stages,
    }


def stage_seconds(stages: list[float]) -> tuple[float, float, float]:
    """Seconds to read, to validate and normalise, and to store, from the times at which the import reported
    progress: once read, once checked, then once per part stored (a file of more than one part) and at the end."""
    read, checked, stored = stages[0], stages[1], stages[-1]
    return read, checked - read, stored - checked


def child_limit(path: Path, data_dir: Path) -> dict:
    """The plain limit: the same rows, no validation, executemany into one table in one transaction."""
    start = time.perf_counter()
    connection = sqlite3.connect(data_dir / "limit.sqlite3")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = ", ".join(f'"{name}" TEXT' for name in header)
        connection.execute(f"CREATE TABLE rows (id INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join("?" * len(header))
        with connection:
            connection.executemany(f"INSERT INTO rows ({', '.join(header)}) VALUES ({marks})", reader)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def child_floor(imported: Path, data_dir: Path) -> dict:
    """The schema's floor: the rows the import stored, copied inside SQLite into a fresh database."""
    migrated(data_dir)
    from django.db import connection

    connection.close()
    target = sqlite3.connect(data_dir / "amparo.sqlite3", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-262144"):
        target.execute(f"PRAGMA {pragma}")
    target.execute("ATTACH DATABASE ? AS imported", (str(imported / "amparo.sqlite3"),))
    start = time.perf_counter()
    target.execute("BEGIN")
    rows = sum(
        target.execute(f"INSERT INTO main.{table} SELECT * FROM imported.{table}").rowcount for table in STORED_TABLES
    )
    target.execute("COMMIT")
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": _peak_mb()}


def _run_child(kind: str, path: Path, data_dir: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.import_bench", "--child", kind, str(path), str(data_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="rows in the case file")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FILE", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parse_sized(parser, argv, SIZES)
    if args.child:
        kind, path, data_dir = args.child
        result = {"import": child_import, "limit": child_limit, "floor": child_floor}[kind](Path(path), Path(data_dir))
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="amparo-import-bench-") as tmp:
        tmp = Path(tmp)
        path = tmp / "cases.csv"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
        os.environ["AMPARO_DATA_DIR"] = str(tmp / "gen")
        (tmp / "gen").mkdir()
        import django

        django.setup()
        write_case_file(path, args.rows)
        (tmp / "import").mkdir()
        (tmp / "limit").mkdir()
        (tmp / "floor").mkdir()
        load = os.getloadavg()[0]
        imported = _run_child("import", path, tmp / "import")
        limit = _run_child("limit", path, tmp / "limit")
        floor = _run_child("floor", tmp / "import", tmp / "floor")

    rate = args.rows / imported["seconds"]
    ratio = imported["seconds"] / limit["seconds"]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"rows: {args.rows:,} ({imported['created']:,} stored, {imported['rejected']:,} rejected)")
    print(
        f"import: {imported['seconds']:.1f} s, {rate:,.0f} rows/s (target {TARGET_ROWS_PER_SECOND:,}), "
        f"peak memory {imported['peak_mb']:,.0f} MB (target < {TARGET_PEAK_MB:,})"
    )
    read, check, store = stage_seconds(imported["stages"])
    print(f"  of which: read {read:.1f} s, validate and normalise {check:.1f} s, store {store:.1f} s")
    print(
        f"plain limit (csv + sqlite3.executemany, no validation): {limit['seconds']:.1f} s, "
        f"{args.rows / limit['seconds']:,.0f} rows/s, peak memory {limit['peak_mb']:,.0f} MB"
    )
    print(f"ratio import / limit: {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x)")
    print(
        f"schema floor (the {floor['rows']:,} rows stored, copied by INSERT ... SELECT, indexes in place): "
        f"{floor['seconds']:.1f} s, {args.rows / floor['seconds']:,.0f} cases/s; "
        f"ratio import / floor: {imported['seconds'] / floor['seconds']:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
