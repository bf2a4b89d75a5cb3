"""Where victims were recruited and exploited: the route dimensions over cases registered for them,
every expected figure counted by hand from the records below."""

from datetime import date

import polars as pl
import pytest
from django.utils import translation

from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register
from amparo.stats import engine, snapshot
from amparo.stats.engine import CaseFilter

Y2012 = CaseFilter(years=(2012,))


def _case(ref: str, events: list[EventRecord], family: bool = False) -> CaseRecord:
    return CaseRecord(
        source_record_id=ref,
        registration_date=date(2012, 5, 2),
        victim=PersonRecord(gender="Feminine", citizenship="PE"),
        age_when_trafficked=15,
        exploitation_types=["SexualExploitation"],
        perpetrators=[PerpetratorRecord("parent" if family else "stranger")],
        events=events,
    )


R, T, E = "Recruitment", "Transit", "Exploitation"
ROUTE_CASES = [
    # Ayacucho to Lima, twice (one family-facilitated), with a transit that is no end of the route.
    _case("A1", [EventRecord(R, "050101"), EventRecord(T, "090101"), EventRecord(E, "150101")], family=True),
    _case("A2", [EventRecord(R, "05"), EventRecord(E, "150132")]),
    # Cusco and Puno to Madre de Dios.
    _case("A3", [EventRecord(R, "0801"), EventRecord(E, "170101")]),
    _case("A4", [EventRecord(R, "211002"), EventRecord(E, "170104")], family=True),
    # Within Madre de Dios.
    _case("A5", [EventRecord(R, "170101"), EventRecord(E, "170102")]),
    # Recruited in Venezuela (no ubigeo), exploited in Callao.
    _case("A6", [EventRecord(R, "", "VE"), EventRecord(E, "070101")]),
    # Recruited in Loreto, exploited in Chile: exploitation abroad; the case's department is Loreto.
    _case("A7", [EventRecord(R, "160101"), EventRecord(E, "", "CL")]),
    # Two recruitment events: the more precise place (Junín's province) wins over a department alone.
    _case("A8", [EventRecord(R, "05"), EventRecord(R, "1201"), EventRecord(E, "150101")]),
    # Exploited in Lima and in Argentina: a place in Peru is the route's end.
    _case("A9", [EventRecord(R, "100101"), EventRecord(E, "", "AR"), EventRecord(E, "150101")]),
    # Recruited in Peru with no place recorded; exploited in Lima.
    _case("B1", [EventRecord(R, ""), EventRecord(E, "150101")]),
    # No events at all.
    _case("B2", []),
]

# Counted by hand from ROUTE_CASES: (recruitment, exploitation) -> (cases, family-facilitated).
EXPECTED_ROUTES = {
    ("05", "15"): (2, 1),
    ("08", "17"): (1, 0),
    ("21", "17"): (1, 1),
    ("17", "17"): (1, 0),
    ("abroad", "07"): (1, 0),
    ("16", "abroad"): (1, 0),
    ("12", "15"): (1, 0),
    ("10", "15"): (1, 0),
    ("unknown", "15"): (1, 0),
    ("unknown", "unknown"): (1, 0),
}


@pytest.fixture
def routes(db):
    source = Organisation.objects.create(name="Route survey", org_type="NGO")
    return cases_register(records=ROUTE_CASES, source=source)


def _margin(axis: int) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for key, (n, family) in EXPECTED_ROUTES.items():
        count, families = totals.get(key[axis], (0, 0))
        totals[key[axis]] = (count + n, families + family)
    return totals


@pytest.mark.parametrize("name, axis", [("recruitment_department", 0), ("exploitation_department", 1)])
def test_each_end_of_the_route_counts_the_cases_by_hand(routes, name, axis):
    table = engine.count_by(name, Y2012)
    assert {r.key: (r.count, r.family_facilitated) for r in table.rows} == _margin(axis)
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
