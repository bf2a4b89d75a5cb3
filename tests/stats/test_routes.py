"""Where victims were recruited and exploited: the route dimensions over cases registered for them
(tests/stats/routes.py), every expected figure counted by hand."""

import json
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.utils import translation

from amparo.stats import engine, snapshot
from amparo.stats.engine import CaseFilter
from tests.stats.routes import EXPECTED_ROUTES, ROUTE_CASES, YEAR, E, R, margin

Y2012 = CaseFilter(years=(YEAR,))


@pytest.mark.parametrize("name, axis", [("recruitment_department", 0), ("exploitation_department", 1)])
def test_each_end_of_the_route_counts_the_cases_by_hand(routes, name, axis):
    table = engine.count_by(name, Y2012)
    assert {r.key: (r.count, r.family_facilitated) for r in table.rows} == margin(axis)
    assert table.total == len(ROUTE_CASES)


def test_the_origin_destination_crosstab_counts_each_route(routes):
    table = engine.crosstab("recruitment_department", "exploitation_department", Y2012)
    assert table_cells(table) == {key: n for key, (n, _) in EXPECTED_ROUTES.items()}
    assert table.total == len(ROUTE_CASES)


def test_a_case_exploited_abroad_keeps_its_place_of_recruitment_as_its_department(routes):
    departments = {r.key: r.count for r in engine.count_by("department", Y2012).rows}
    assert departments["16"] == 1  # A7: exploited in Chile, recruited in Loreto


def test_the_routes_follow_the_dashboard_filters(routes):
    family = engine.crosstab(
        "recruitment_department", "exploitation_department", CaseFilter(years=(2012,), family_facilitated=True)
    )
    assert table_cells(family) == {("05", "15"): 1, ("21", "17"): 1}
    assert engine.count_by("recruitment_department", CaseFilter(years=(2011,))).total == 0


def table_cells(table) -> dict[tuple[str, str], int]:
    return {(r, c): table.cell(r, c) for r in table.row_keys for c in table.column_keys if table.cell(r, c)}


def test_places_are_labelled_in_the_active_language(routes):
    with translation.override("en"):
        assert engine.count_by("exploitation_department", Y2012).row("abroad").label == "Abroad"
        assert engine.count_by("recruitment_department", Y2012).row("05").label == "Ayacucho"
        assert engine.count_by("recruitment_department", Y2012).row("unknown").label == "Unknown"
    with translation.override("es"):
        assert engine.count_by("recruitment_department", Y2012).row("unknown").label == "Desconocido"


def test_route_columns_are_derived_per_case_from_the_events():
    events = pl.DataFrame(
        {
            "id": [1, 1, 1, 2, 2, 3],
            "event_id": [10, 11, 12, 20, 21, 30],
            "event_type": [R, R, E, R, E, E],
            "country": ["PE", "PE", "PE", "BO", "PE", "PE"],
            "ubigeo": ["08", "080101", "170101", "", "", "150101"],
        }
    )
    frame = snapshot.routes(events)
    assert frame.rows() == [
        (1, "08", False, "17", False),
        (2, None, True, None, False),  # recruited in Bolivia; exploited in Peru, place not recorded
        (3, None, False, "15", False),  # no recruitment event
    ]
    assert frame.columns == ["id", *snapshot.ROUTE_COLUMNS]


def test_the_stats_command_counts_by_either_end_of_the_route(routes):
    out = StringIO()
    args = ("--year", str(YEAR), "--format", "json", "--lang", "en", "--exact")
    call_command("stats", "--by", "exploitation_department", *args, stdout=out)
    rows = {row["code"]: row["cases"] for row in json.loads(out.getvalue())["rows"]}
    assert rows == {**{key: n for key, (n, _) in margin(1).items()}, "total": len(ROUTE_CASES)}
