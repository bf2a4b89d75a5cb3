"""How fast the dashboard's aggregates run on a registry of a million cases (SQLite).

Run with `make bench` or `python -m benchmarks.stats_bench [--size tiny] [--cases N] [--runs R]`.
Fills a temporary database with plain sqlite3 executemany after `migrate`
(realistic shares: Lima about 40%, most victims minors, most perpetrators
relatives), then times reading the statistics snapshot (from the database,
and from its sealed copy, as a new process would), and every `count_by` for
one year and for all years (p95 of R runs, snapshot in memory), beside the
same aggregate done naively (ORM objects iterated in Python, one run) and the
plain limit (one hand-written SQL GROUP BY over the same tables).
"""

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from benchmarks.environment import migrated, parse_sized

SIZES = {"full": {"cases": 1_000_000, "runs": 15}, "tiny": {"cases": 2_000, "runs": 2}}
YEAR = 2020
TARGET_MS = 200.0

DEPARTMENT_WEIGHTS = {
    "15": 40,
    "08": 10,
    "17": 7,
    "16": 7,
    "25": 5,
    "21": 5,
    "04": 4,
    "12": 3,
    "07": 3,
    "22": 2,
    "13": 2,
    "14": 2,
    "20": 2,
    "11": 1,
    "02": 1,
    "06": 1,
    "10": 1,
    "05": 1,
    "03": 1,
    "09": 1,
    "18": 1,
    "19": 1,
    "23": 1,
    "24": 1,
    "01": 1,
}
RELATIONSHIP_WEIGHTS = {
    "parent": 24,
    "step_parent": 6,
    "sibling": 6,
    "grandparent": 3,
    "uncle_aunt": 8,
    "other_relative": 6,
    "intimate_partner": 9,
    "friend_acquaintance": 14,
    "employer": 10,
    "stranger": 8,
    "unknown": 6,
}
RELATIVES = {"parent", "step_parent", "sibling", "grandparent", "uncle_aunt", "other_relative"}


def prepare_registry(data_dir: Path, cases: int) -> None:
    """Migrate and fill a registry of `cases` cases in data_dir, or reuse the one already there (--keep)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    reuse = (data_dir / "amparo.sqlite3").exists()
    migrated(data_dir)
    from django.db import connection

    from amparo.registry.models import Case

    print(f"# {machine()}; load average {os.getloadavg()[0]:.1f}")
    if reuse and Case.objects.exists():
        print(f"# reusing {Case.objects.count():,} cases in {data_dir}")
        return
    connection.close()
    start = time.perf_counter()
    fill(data_dir / "amparo.sqlite3", cases)
    print(f"# filled {cases:,} cases in {time.perf_counter() - start:.1f} s")


def snapshot_load_times() -> tuple[float, float]:
    """Seconds to read the statistics snapshot from the database (after a change), and from its
    sealed copy (a new process at the same revision)."""
    from amparo.registry.services import registry_changed
    from amparo.stats import snapshot

    registry_changed()  # the benchmark filled the tables behind the registry's back
    start = time.perf_counter()
    snapshot.current()
    from_database = time.perf_counter() - start
    snapshot._cached.clear()
    start = time.perf_counter()
    snapshot.current()
    return from_database, time.perf_counter() - start


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def fill(database: Path, n: int, seed: int = 2010) -> None:
    """n cases with their victims, exploitation codes and perpetrators, straight into SQLite; each case's
    record key drawn as the registry draws it, apart from the seeded generator of the rest."""
    from amparo.core import geography
    from amparo.core.record_keys import new_record_keys

    rng = random.Random(seed)
    districts_of = {
        d.ubigeo: [p.ubigeo for p in geography.districts() if p.ubigeo.startswith(d.ubigeo)]
        for d in geography.departments()
    }
    lima_metropolitana = [p.ubigeo for p in geography.districts(geography.LIMA_METROPOLITANA)]
    years = list(range(2010, 2026))
    year_of = _weighted(rng, {y: 1 + (y - 2010) for y in years}, n)
    departments = _weighted(rng, DEPARTMENT_WEIGHTS, n)
    record_keys = new_record_keys(n)
    db = sqlite3.connect(database)
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "INSERT INTO registry_organisation (name, org_type, country, is_synthetic) VALUES "
        "('Police', 'LawEnforcement', 'PE', 1), ('Prosecutors', 'CentralGovernmentOrganisation', 'PE', 1), "
        "('Shelter', 'NGO', 'PE', 1), ('Hotline', 'CentralGovernmentOrganisation', 'PE', 1)"
    )
    genders = _weighted(rng, {"Feminine": 80, "Masculine": 17, "NonConforming": 1, "": 2}, n)
    citizenships = _weighted(rng, {"PE": 90, "VE": 7, "BO": 1, "CO": 1, "": 1}, n)
    db.executemany(
        "INSERT INTO registry_person (id, gender, citizenship, is_synthetic) VALUES (?, ?, ?, 1)",
        zip(range(1, n + 1), genders, citizenships),
    )
    cases, codes, perpetrators = [], [], []
    now = "2026-01-01 00:00:00"
    for i in range(1, n + 1):
        roll = rng.random()
        department = departments[i - 1]
        if roll < 0.03:
            place = ("", "", "")
        else:
            pool = lima_metropolitana if department == "15" and rng.random() < 0.85 else districts_of[department]
            district = rng.choice(pool)
            place = (department, district[:4], district) if roll > 0.08 else (department, district[:4], "")
        age = None if rng.random() < 0.05 else (rng.randint(3, 17) if rng.random() < 0.65 else rng.randint(18, 60))
        relationships = _weighted(rng, RELATIONSHIP_WEIGHTS, rng.choices([0, 1, 2, 3], [10, 60, 25, 5])[0])
        household = rng.random() < 0.03
        family = household or any(r in RELATIVES for r in relationships)
        for relationship in relationships:
            perpetrators.append((relationship, int(household), "[]", i))
        exploitation = rng.choices(
            [
                ("SexualExploitation",),
                ("ForcedLabour",),
                ("SexualExploitation", "ForcedLabour"),
                (),
                ("ChildLabour",),
                ("ForcedBegging",),
            ],
            [55, 30, 6, 4, 3, 2],
        )[0]
        codes.extend(("vic_TypeOfExploitation", code, i) for code in exploitation)
        registered = date(year_of[i - 1], 1, 1) + timedelta(days=rng.randrange(365))
        # A victim reported by two sources: about 5% of cases reuse an earlier person.
        victim = rng.randint(1, i) if i > 1 and rng.random() < 0.05 else i
        cases.append(
            (
                i,
                f"S{i}",
                registered.isoformat(),
                "Active",
                rng.choice(["ActualVictimOfTrafficking", "PossibleVictimOfTrafficking"]),
                "",
                "",
                age,
                rng.choices(["no", "yes", "unknown"], [70, 10, 20])[0],
                "",
                *place,
                int(family),
                1,
                now,
                now,
                1,
                1 + i % 4,
                victim,
                record_keys[i - 1],
            )
        )
    db.executemany(
        "INSERT INTO registry_case (id, source_record_id, registration_date, status, trafficking_status, "
        "trafficking_status_decision_org, forced_labour_industry, age_when_trafficked, organised_network, "
        "legal_article, department_code, province_code, district_code, family_facilitated, is_synthetic, "
        "created_at, updated_at, version, source_organisation_id, victim_id, record_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cases,
    )
    db.executemany("INSERT INTO registry_casecode (field, code, case_id) VALUES (?, ?, ?)", codes)
    db.executemany(
        "INSERT INTO registry_perpetrator (relationship, lives_in_household, roles, case_id) VALUES (?, ?, ?, ?)",
        perpetrators,
    )
    db.commit()
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _band_sql(bands) -> str:
    whens = " ".join(
        f"WHEN c.age_when_trafficked >= {b.lower}"
        + ("" if b.upper is None else f" AND c.age_when_trafficked <= {b.upper}")
        + f" THEN '{b.label}'"
        for b in bands
    )
    return f"CASE {whens} ELSE 'unknown' END"


def plain_sql() -> dict[str, str]:
    """The limit: one hand-written GROUP BY per dimension ({where} is the year condition or nothing)."""
    from amparo.core import age_bands, codelists

    groups = {}
    for r in codelists.RELATIONSHIPS:
        groups.setdefault(r.group, []).append(f"'{r.code}'")
    relationship_group = (
        "CASE "
        + " ".join(f"WHEN pp.relationship IN ({', '.join(codes)}) THEN '{g}'" for g, codes in groups.items())
        + " ELSE 'unknown' END"
    )
    simple = "SELECT {key}, COUNT(*), SUM(c.family_facilitated) FROM registry_case c {join} {where} GROUP BY 1"
    distinct = (
        "SELECT {key}, COUNT(DISTINCT c.id), COUNT(DISTINCT CASE WHEN c.family_facilitated THEN c.id END) "
        "FROM registry_case c {join} {where} GROUP BY 1"
    )
    person = "JOIN registry_person p ON p.id = c.victim_id"
    perpetrator = "LEFT JOIN registry_perpetrator pp ON pp.case_id = c.id"

    def route(event_type: str) -> str:
        # The most precise place in Peru of the case's events of that kind, the first recorded among equals;
        # "abroad" when only a place in another country is recorded (stats.snapshot.routes).
        events = f"FROM registry_traffickingevent e WHERE e.case_id = c.id AND e.event_type = '{event_type}'"
        return (
            f"COALESCE((SELECT substr(e.ubigeo, 1, 2) {events} AND e.country = 'PE' AND e.ubigeo <> '' "
            f"ORDER BY length(e.ubigeo) DESC, e.id LIMIT 1), "
            f"CASE WHEN EXISTS (SELECT 1 {events} AND e.country <> 'PE') THEN 'abroad' END, 'unknown')"
        )

    queries = {
        "year": (simple, "substr(c.registration_date, 1, 4)", ""),
        "department": (simple, "c.department_code", ""),
        "lima_area": (
            simple,
            (
                "CASE WHEN c.department_code = '07' THEN 'callao' WHEN c.province_code = '1501' "
                "THEN 'metropolitana' WHEN c.department_code = '15' THEN 'provincias' "
                "WHEN c.department_code = '' THEN 'unknown' ELSE 'rest_of_peru' END"
            ),
            "",
        ),
        "province": (simple, "c.province_code", ""),
        "district": (simple, "c.district_code", ""),
        "recruitment_department": (simple, route("Recruitment"), ""),
        "exploitation_department": (simple, route("Exploitation"), ""),
        "exploitation": (
            distinct,
            "COALESCE(cc.code, 'unknown')",
            "LEFT JOIN registry_casecode cc ON cc.case_id = c.id AND cc.field = 'vic_TypeOfExploitation'",
        ),
        "sex": (simple, "p.gender", person),
        "age_group": (simple, _band_sql(age_bands.PERU_BANDS), ""),
        "age_broad": (simple, _band_sql(age_bands.CTDC_AGE_BROAD), ""),
        "minor": (
            simple,
            (
                "CASE WHEN c.age_when_trafficked < 18 THEN 'minor' WHEN c.age_when_trafficked >= 18 "
                "THEN 'adult' ELSE 'unknown' END"
            ),
            "",
        ),
        "citizenship": (simple, "p.citizenship", person),
        "recruiter_relationship": (distinct, "COALESCE(pp.relationship, 'unknown')", perpetrator),
        "relationship_group": (distinct, relationship_group, perpetrator),
        "family_facilitated": (simple, "c.family_facilitated", ""),
        "organised_network": (simple, "c.organised_network", ""),
        "trafficking_status": (simple, "c.trafficking_status", ""),
        "source": (simple, "c.source_organisation_id", ""),
    }
    return {
        name: template.format(key=key, join=join, where="{where}") for name, (template, key, join) in queries.items()
    }


def _naive_key(name: str):
    """How someone would count by hand: load each case as an object and work the key out in Python."""
    from amparo.core import age_bands, codelists

    unknown = "unknown"
    group_of = {r.code: r.group for r in codelists.RELATIONSHIPS}

    def area(c):
        if not c.department_code:
            return unknown
        if c.department_code == "07":
            return "callao"
        if c.province_code == "1501":
            return "metropolitana"
        return "provincias" if c.department_code == "15" else "rest_of_peru"

    single = {
        "year": lambda c: str(c.registration_date.year),
        "department": lambda c: c.department_code or unknown,
        "lima_area": area,
        "province": lambda c: c.province_code or unknown,
        "district": lambda c: c.district_code or unknown,
        "sex": lambda c: c.victim.gender or unknown,
        "age_group": lambda c: age_bands.band_for(c.age_when_trafficked),
        "age_broad": lambda c: age_bands.band_for(c.age_when_trafficked, age_bands.CTDC_AGE_BROAD),
        "minor": lambda c: age_bands.majority_status(c.age_when_trafficked).lower(),
        "citizenship": lambda c: c.victim.citizenship or unknown,
        "family_facilitated": lambda c: "yes" if c.family_facilitated else "no",
        "organised_network": lambda c: c.organised_network,
        "trafficking_status": lambda c: c.trafficking_status,
        "source": lambda c: str(c.source_organisation_id),
    }

    def route(event_type: str):
        def department(c):
            events = [e for e in c.events.all() if e.event_type == event_type]
            in_peru = sorted(
                (e for e in events if e.country == "PE" and e.ubigeo), key=lambda e: (-len(e.ubigeo), e.id)
            )
            if in_peru:
                return in_peru[0].ubigeo[:2]
            return "abroad" if any(e.country != "PE" for e in events) else unknown

        return department

    single["recruitment_department"] = route("Recruitment")
    single["exploitation_department"] = route("Exploitation")
    multi = {
        "exploitation": lambda c: set(c.codes("vic_TypeOfExploitation")) or {unknown},
        "recruiter_relationship": lambda c: {p.relationship for p in c.perpetrators.all()} or {unknown},
        "relationship_group": lambda c: {group_of[p.relationship] for p in c.perpetrators.all()} or {unknown},
    }
    if name in single:
        return lambda c: {single[name](c)}
    return multi[name]


def naive_count(name: str, year: int | None) -> dict:
    from amparo.registry.models import Case

    cases = Case.objects.all()
    if year is not None:
        cases = cases.filter(registration_date__gte=date(year, 1, 1), registration_date__lt=date(year + 1, 1, 1))
    if name in ("sex", "citizenship"):
        cases = cases.select_related("victim")
    if name == "exploitation":
        cases = cases.prefetch_related("coded_values")
    if name in ("recruitment_department", "exploitation_department"):
        cases = cases.prefetch_related("events")
    if name in ("recruiter_relationship", "relationship_group"):
        cases = cases.prefetch_related("perpetrators")
    key = _naive_key(name)
    counts, family = Counter(), Counter()
    for case in cases.iterator(chunk_size=2000):
        for k in key(case):
            counts[k] += 1
            family[k] += case.family_facilitated
    return {k: (counts[k], family[k]) for k in counts}


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]


def _timed(function, runs: int) -> tuple[float, float, object]:
    """p95 of wall-clock and of CPU milliseconds (SQLite runs in this process, so CPU time is what
    the query costs whatever else the machine is doing), and the result."""
    result = function()  # warm-up (and the result to check)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return p95(wall), p95(cpu), result


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB RAM, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stats_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help="cases in the registry")
    parser.add_argument("--runs", type=int, help="timed runs per aggregate, after one warm-up")
    parser.add_argument(
        "--naive-all-years",
        action="store_true",
        help="also time the naive way over all years (minutes on a million cases)",
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the filled database in DIR and reuse it when it is already there"
    )
    parser.add_argument("--only", nargs="+", metavar="DIMENSION", help="time only these dimensions")
    options = parse_sized(parser, argv, SIZES)

    with tempfile.TemporaryDirectory(prefix="amparo-bench-") as tmp:
        prepare_registry(options.keep or Path(tmp), options.cases)
        from django.db import connection

        from amparo.stats import engine

        from_database, from_copy = snapshot_load_times()
        print(
            f"# statistics snapshot read from the database in {from_database:.2f} s, "
            f"from its sealed copy in {from_copy:.2f} s"
        )
        sql = plain_sql()
        print(
            f"{'aggregate':<36} {'engine p95 ms':>13} {'(CPU ms)':>9} {'plain SQL ms':>12} {'(CPU ms)':>9} "
            f"{'engine/plain':>12} {'naive ms':>10} {'naive/engine':>12}  target"
        )
        slow = []
        for scope, year in ((f"{YEAR}", YEAR), ("all years", None)):
            filters = engine.CaseFilter(years=(year,)) if year else None
            where = (
                f"WHERE c.registration_date >= '{year}-01-01' AND c.registration_date < '{year + 1}-01-01'"
                if year
                else ""
            )
            for name in options.only or engine.DIMENSIONS:
                engine_ms, engine_cpu, table = _timed(
                    lambda name=name, filters=filters: engine.count_by(name, filters), options.runs
                )

                def plain(name=name, where=where):
                    with connection.cursor() as cursor:
                        cursor.execute(sql[name].format(where=where))
                        return cursor.fetchall()

                plain_ms, plain_cpu, plain_rows = _timed(plain, options.runs)
                plain_total = sum(row[1] for row in plain_rows)
                engine_sum = sum(r.count for r in table.rows)
                assert plain_total == engine_sum, f"{name}: plain SQL counts {plain_total}, engine {engine_sum}"
                naive_text = ratio_text = "-"
                if year is not None or options.naive_all_years:
                    started = time.perf_counter()
                    naive = naive_count(name, year)
                    naive_ms = (time.perf_counter() - started) * 1000
                    assert naive == {r.key: (r.count, r.family_facilitated) for r in table.rows}, name
                    naive_text, ratio_text = f"{naive_ms:,.0f}", f"{naive_ms / engine_ms:,.0f}x"
                verdict = "ok" if engine_ms < TARGET_MS else ("ok on CPU" if engine_cpu < TARGET_MS else "SLOW")
                if engine_ms >= TARGET_MS:
                    slow.append(f"{name} ({scope})")
                print(
                    f"{name + ' (' + scope + ')':<36} {engine_ms:>13.1f} {engine_cpu:>9.1f} {plain_ms:>12.1f} "
                    f"{plain_cpu:>9.1f} {engine_ms / plain_ms:>11.2f}x {naive_text:>10} {ratio_text:>12}  {verdict}",
                    flush=True,
                )
        print(
            f"# {len(slow)} aggregates over {TARGET_MS:.0f} ms p95 wall-clock"
            + (": " + ", ".join(slow) if slow else "")
        )
        print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
