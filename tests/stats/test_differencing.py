"""The differencing attacks of issue 12, as tests: an integer-programming auditor (tests/stats/auditor.py) over
tables the statistics publish recovers small counts exactly from small-cell suppression, and none from the
cell-key perturbation every channel applies, over ten draws of the record keys.

The registry is the calibrated synthetic one (2010-2011, loaded through the registry's bulk path); the truth of
every cell is counted with pandas from the CSV files it was loaded from (tests/reports/expected.py). The tables
come from the engine, as every channel asks for them, and the last attack from the analyst's JSON API.
"""

import io
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.urls import reverse

from amparo.core.age_bands import PERU_BANDS
from amparo.core.record_keys import KEY_RANGE
from amparo.registry.models import Case
from amparo.registry.services import registry_changed
from amparo.stats import engine
from amparo.stats.engine import CaseFilter
from tests.reports.expected import synthetic_cases
from tests.stats.auditor import Auditor, Cell, atoms, cell, differences

pytestmark = pytest.mark.django_db

SUPPRESSION = 5  # the threshold every channel used before cell-key perturbation
PROTECTED = True  # what every channel asks the engine for
DRAWS = range(1, 11)  # seeds of ten draws of the record keys
MINOR = {
    "minor": {b.label for b in PERU_BANDS if b.upper is not None and b.upper < 18},
    "adult": {b.label for b in PERU_BANDS if b.lower >= 18},
    "unknown": {"unknown"},
}
YES_NO = ["yes", "no"]


def _seeded_keys(seed: int):
    generator = np.random.default_rng(seed)

    def keys(count: int) -> list[int]:
        return generator.integers(0, KEY_RANGE, size=count).tolist()

    return keys


def redraw_keys(seed: int) -> None:
    """Give every case a new record key from a seeded generator, as if the registry had been stored again."""
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    keys = _seeded_keys(seed)(len(ids))
    Case.objects.bulk_update([Case(id=i, record_key=k) for i, k in zip(ids, keys)], ["record_key"])
    registry_changed()


@pytest.fixture
def synthetic(db, tmp_path, monkeypatch):
    """The synthetic registry of 2010-2011 with record keys from a fixed seed (so a failure can be replayed),
    and its cases as pandas counts them."""
    seeded_keys = _seeded_keys(12)
    monkeypatch.setattr("amparo.registry.bulk.new_record_keys", seeded_keys)
    monkeypatch.setattr("amparo.registry.services.new_record_keys", seeded_keys)
    out = tmp_path / "synthetic"
    call_command("synth", "--years", "2010-2011", "--out", str(out), "--load", stdout=io.StringIO())
    cases = synthetic_cases(out)
    band = {b.label: b for b in PERU_BANDS}
    frame = pd.DataFrame(
        {
            "year": cases.year.astype(str),
            "department": cases.department.replace("", "unknown"),
            "province": cases.province.replace("", "unknown"),
            "district": cases.district.replace("", "unknown"),
            "sex": cases.prs_Gender.replace({"": "unknown", "NonSpecifiedUnknown": "unknown"}),  # one unknown sex
            "age_group": [
                next((label for label, b in band.items() if not np.isnan(age) and b.contains(int(age))), "unknown")
                for age in cases.age
            ],
            "family": np.where(cases.family_facilitated, "yes", "no"),
        }
    )
    return frame


def _bound(table) -> int:
    """What the output says of its figures: a perturbed one is within its max noise, a visible one exact."""
    return table.protection.max_noise or 0


def one_way(table, where: dict, attribute: str, keys: list[str], values: dict[str, set[str]] | None = None):
    """The published cells of an engine table: each row's count and family-facilitated count, and the totals;
    each of the `keys` the table could list and does not, as a published zero (an empty group, or one perturbed
    to zero). `values` maps a row's key to the attribute values it counts (default: the key itself)."""
    bound = _bound(table)
    cells = [cell(where, table.total, bound), cell({**where, "family": {"yes"}}, table.family_facilitated_total, bound)]
    listed = {row.key for row in table.rows}
    for row in table.rows:
        counted = {**where, attribute: (values or {}).get(row.key, {row.key})}
        cells.append(cell(counted, row.count, bound, listed=True))
        cells.append(cell({**counted, "family": {"yes"}}, row.family_facilitated, bound))
    for key in keys:
        if key not in listed:
            cells.append(cell({**where, attribute: (values or {}).get(key, {key})}, 0, bound))
    return cells


def _truth(frame: pd.DataFrame, attributes: list[str]) -> dict[tuple[str, ...], int]:
    return {key if isinstance(key, tuple) else (key,): int(n) for key, n in frame.groupby(attributes).size().items()}


@dataclass(frozen=True)
class Target:
    """A cell of true count 1 to 4 the attacker aims at, and whether the published tables pin it."""

    cell: Cell
    true: int
    pinned: bool


def audit(frame, attributes, universe, published, only=lambda target: True) -> list[Target]:
    """Every published cell, and every cell a subtraction of two published ones gives (those `only` keeps),
    whose true count is 1 to 4, and whether the auditor proves that count."""
    auditor = Auditor(universe, published)
    truth = _truth(frame, attributes)
    assert auditor.holds(truth, attributes), "the true counts must satisfy what was published"
    targets = []
    for target in dict.fromkeys(published + differences(published, universe)):
        true = sum(n for key, n in truth.items() if target.counts(dict(zip(attributes, key))))
        if 1 <= true <= 4 and only(target):
            targets.append(Target(target, true, auditor.pins(target, true)))
    return targets


def _values(frame, column) -> list[str]:
    return sorted(frame[column].unique())


def years_attack(frame, protection):
    """2010, 2011 and 2010-2011 by department: a year range minus one year."""
    departments = _values(frame, "department")
    published = []
    for years in ((2010,), (2011,), (2010, 2011)):
        table = engine.count_by("department", CaseFilter(years=years), suppress=protection)
        published += one_way(table, {"year": set(map(str, years))}, "department", departments)
    universe = atoms({"year": ["2010", "2011"], "department": departments, "family": YES_NO})
    return audit(frame, ["year", "department", "family"], universe, published)


def levels_attack(frame, protection):
    """A department against its provinces against its districts (in 2010), and the national table."""
    year = frame[frame.year == "2010"]
    provinces_per_department = year[year.province != "unknown"].groupby("department").province.nunique()
    department = provinces_per_department.idxmax()
    inside = year[year.department == department]
    filters = CaseFilter(years=(2010,))
    local = replace(filters, departments=(department,))
    here = {"department": {department}}
    published = one_way(
        engine.count_by("department", filters, suppress=protection), {}, "department", _values(year, "department")
    )
    for level in ("province", "district"):
        table = engine.count_by(level, local, suppress=protection)
        published += one_way(table, here, level, _values(inside, level))
    frame = year.assign(
        province=year.province.where(year.department == department, "-"),
        district=year.district.where(year.department == department, "-"),
    )

    def consistent(atom) -> bool:
        if atom["department"] != department:
            return atom["province"] == atom["district"] == "-"
        if "-" in (atom["province"], atom["district"]):
            return False
        return atom["district"] == "unknown" or atom["district"].startswith(atom["province"])

    universe = atoms(
        {
            "department": _values(year, "department"),
            "province": ["-", *_values(inside, "province")],
            "district": ["-", *_values(inside, "district")],
            "family": YES_NO,
        },
        consistent,
    )
    return audit(frame, ["department", "province", "district", "family"], universe, published)


def filter_attack(frame, protection):
    """Departments of all cases against those of women, with the table by sex (a dashboard filter against none)."""
    year = frame[frame.year == "2010"]
    departments, sexes = _values(year, "department"), _values(year, "sex")
    filters = CaseFilter(years=(2010,))
    published = one_way(engine.count_by("department", filters, suppress=protection), {}, "department", departments)
    published += one_way(engine.count_by("sex", filters, suppress=protection), {}, "sex", sexes)
    women = engine.count_by("department", replace(filters, sexes=("Feminine",)), suppress=protection)
    published += one_way(women, {"sex": {"Feminine"}}, "department", departments)
    universe = atoms({"department": departments, "sex": sexes, "family": YES_NO})
    return audit(year, ["department", "sex", "family"], universe, published)


def age_attack(frame, protection):
    """Age group against minor or adult, within each department (2010)."""
    year = frame[frame.year == "2010"]
    departments, groups = _values(year, "department"), _values(year, "age_group")
    filters = CaseFilter(years=(2010,))
    published = one_way(engine.count_by("department", filters, suppress=protection), {}, "department", departments)
    for department in departments:
        if department == "unknown":
            continue
        local = replace(filters, departments=(department,))
        where = {"department": {department}}
        published += one_way(engine.count_by("age_group", local, suppress=protection), where, "age_group", groups)
        minor = engine.count_by("minor", local, suppress=protection)
        published += one_way(minor, where, "age_group", list(MINOR), MINOR)
    universe = atoms({"department": departments, "age_group": groups, "family": YES_NO})
    return audit(year, ["department", "age_group", "family"], universe, published)


def family_attack(frame, protection):
    """Each department's count minus its family-facilitated count, in the same row (2010, 2011): the cases not
    facilitated by family."""
    departments = _values(frame, "department")
    published = []
    for year in (2010, 2011):
        table = engine.count_by("department", CaseFilter(years=(year,)), suppress=protection)
        published += one_way(table, {"year": {str(year)}}, "department", departments)
    universe = atoms({"year": ["2010", "2011"], "department": departments, "family": YES_NO})

    def not_by_family(target: Cell) -> bool:
        return ("family", frozenset({"no"})) in target.where

    return audit(frame, ["year", "department", "family"], universe, published, only=not_by_family)


def page_attack(frame, protection):
    """Every one-way table of one dashboard page (2010, one department): provinces, sex, age group."""
    year = frame[frame.year == "2010"]
    department = year.department.value_counts().index[1]  # the second largest: several small provinces
    inside = year[year.department == department]
    local = CaseFilter(years=(2010,), departments=(department,))
    attributes = ["province", "sex", "age_group", "family"]
    published = []
    for attribute in attributes[:-1]:
        table = engine.count_by(attribute, local, suppress=protection)
        published += one_way(table, {}, attribute, _values(inside, attribute))
    universe = atoms({a: _values(inside, a) for a in attributes[:-1]} | {"family": YES_NO})
    return audit(inside, attributes, universe, published)


ATTACKS = [years_attack, levels_attack, filter_attack, age_attack, family_attack, page_attack]
# The threshold each attack is run at against suppression: the audit found the family attack still worked at 10.
THRESHOLDS = {family_attack: 10}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_the_auditor_recovers_small_counts_from_suppressed_tables(synthetic, attack):
    targets = attack(synthetic, THRESHOLDS.get(attack, SUPPRESSION))
    assert [t for t in targets if t.pinned], f"{attack.__name__}: suppression should leak through differencing"


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_the_auditor_recovers_no_small_count_from_perturbed_tables_in_ten_draws_of_keys(synthetic, attack):
    pinned = {}
    for seed in DRAWS:
        redraw_keys(seed)
        targets = attack(synthetic, PROTECTED)
        assert len(targets) >= 10, f"{attack.__name__}: the attack must have small cells to aim at"
        pinned[seed] = [(t.cell.where, t.true) for t in targets if t.pinned]
    assert not any(pinned.values()), pinned


def test_an_analyst_cannot_undo_the_dashboard_filter_through_the_api(synthetic, analyst, client_as):
    """The filter attack on what the analyst's JSON API returns: all cases, women, and the table by sex."""
    year = synthetic[synthetic.year == "2010"]
    departments, sexes = _values(year, "department"), _values(year, "sex")
    client = client_as(analyst)
    published = []
    for query, where in (("", {}), ("&sex=Feminine", {"sex": {"Feminine"}})):
        answer = client.get(reverse("api-v1:stats-count", args=["department"]) + "?year=2010" + query).json()
        published += _api_cells(answer, where, "department", departments)
    answer = client.get(reverse("api-v1:stats-count", args=["sex"]) + "?year=2010").json()
    published += _api_cells(answer, {}, "sex", sexes)
    universe = atoms({"department": departments, "sex": sexes, "family": YES_NO})
    targets = audit(year, ["department", "sex", "family"], universe, published)
    assert len(targets) >= 10
    assert not [t for t in targets if t.pinned]


def _api_cells(answer: dict, where: dict, attribute: str, keys: list[str]) -> list[Cell]:
    assert answer["protection"]["method"] == "cell-key perturbation"
    bound = answer["protection"]["max_noise"]
    cells = []
    for row in answer["rows"]:
        counted = where if row["key"] == "total" else {**where, attribute: {row["key"]}}
        cells.append(cell(counted, row["count"], bound, listed=row["key"] != "total"))
        cells.append(cell({**counted, "family": {"yes"}}, row["family_facilitated"], bound))
    listed = {row["key"] for row in answer["rows"]}
    cells += [cell({**where, attribute: {key}}, 0, bound) for key in keys if key not in listed]
    return cells
