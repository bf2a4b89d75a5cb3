"""Cases registered for their routes, and their routes counted by hand (shared by the statistics and the
routes page's tests)."""

from datetime import date

from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register

YEAR = 2012


def _case(ref: str, events: list[EventRecord], family: bool = False) -> CaseRecord:
    return CaseRecord(
        source_record_id=ref,
        registration_date=date(YEAR, 5, 2),
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


def register_route_cases():
    source = Organisation.objects.create(name="Route survey", org_type="NGO")
    return cases_register(records=ROUTE_CASES, source=source)


def margin(axis: int) -> dict[str, tuple[int, int]]:
    """(cases, family-facilitated) by the route's origin (axis 0) or destination (axis 1), summed from
    EXPECTED_ROUTES."""
    totals: dict[str, tuple[int, int]] = {}
    for key, (n, family) in EXPECTED_ROUTES.items():
        count, families = totals.get(key[axis], (0, 0))
        totals[key[axis]] = (count + n, families + family)
    return totals
