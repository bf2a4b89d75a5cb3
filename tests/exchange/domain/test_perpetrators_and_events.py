"""A row's perpetrators and events: the values of a perpetrator or an event stand in the same place of each of
their columns; whatever does not line up, or cannot be read, quarantines the row with what was expected."""

from datetime import date

import polars as pl
import pytest

from amparo.exchange.domain import problems as P
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import ROW

TODAY = date(2026, 1, 1)


def _normalised(**cells):
    frame = pl.DataFrame(
        {
            "source_record_id": ["R-1"],
            "registration_date": ["2024-01-01"],
            **{column: [value] for column, value in cells.items()},
        }
    )
    return normalise_cases(frame.with_columns(pl.Series(ROW, [2], dtype=pl.Int64)), today=TODAY)


def _problems(**cells) -> list[tuple]:
    result = _normalised(**cells)
    assert result.frame.is_empty()
    return [(p.row, p.column, p.value, p.reason, dict(p.params)) for p in result.problems[2]]


def _stored(**cells) -> dict:
    result = _normalised(**cells)
    assert result.problems == {}
    return result.frame.row(0, named=True)


def test_each_perpetrator_has_the_values_in_its_place():
    row = _stored(
        recruiter_relationship="padre;tío;empleador",
        recruiter_in_household="si;no;",
        per_RoleInProcess="captador,vendio;;Exploiter",
        perpetrator_prs_FirstName=";Juan;",
        perpetrator_prs_IdentityNumber=r"1\;2;;",
        perpetrator_prs_Citizenship="PER;;Bolivia",
    )
    assert [
        (
            p["relationship"],
            p["lives_in_household"],
            p["roles"],
            p["first_name"],
            p["identity_number"],
            p["citizenship"],
        )
        for p in row["perpetrators"]
    ] == [
        ("parent", True, ["RecruiterOrIntermediary", "SoldIndividual"], "", "1;2", "PE"),
        ("uncle_aunt", False, [], "Juan", "", ""),
        ("employer", False, ["Exploiter"], "", "", "BO"),
    ]


def test_one_household_value_still_speaks_for_every_perpetrator():
    row = _stored(recruiter_relationship="padre;tío", recruiter_in_household="si")
    assert [p["lives_in_household"] for p in row["perpetrators"]] == [True, True]


@pytest.mark.parametrize(
    "cells, problem",
    [
        (
            {"recruiter_relationship": "padre;tío", "perpetrator_prs_FirstName": "Juan"},
            ("perpetrator_prs_FirstName", "Juan", P.PER_PERPETRATOR, {"count": "2"}),
        ),
        (
            {"recruiter_relationship": "padre", "per_RoleInProcess": "Exploiter;Transporter"},
            ("per_RoleInProcess", "Exploiter;Transporter", P.PER_PERPETRATOR, {"count": "1"}),
        ),
        (
            {"perpetrator_prs_IdentityNumber": "43334444"},
            ("perpetrator_prs_IdentityNumber", "43334444", P.PER_PERPETRATOR, {"count": "0"}),
        ),
        (
            {"recruiter_relationship": "padre;tío", "recruiter_in_household": "si;no;no"},
            ("recruiter_in_household", "si;no;no", P.HOUSEHOLD_PER_PERPETRATOR, {"count": "2"}),
        ),
        (
            {"exploitation_ubigeo": "150101;080101", "exploitation_date": "2024-01-01"},
            ("exploitation_date", "2024-01-01", P.PER_EVENT, {"count": "2"}),
        ),
        (
            {"transit_country": "BO;CL", "transit_description": "Por tierra; en bus; de noche"},
            ("transit_description", "Por tierra; en bus; de noche", P.PER_EVENT, {"count": "2"}),
        ),
    ],
)
def test_values_that_do_not_line_up_are_refused(cells, problem):
    assert _problems(**cells) == [(2, *problem)]


@pytest.mark.parametrize(
    "cells, problem",
    [
        ({"transit_ubigeo": "999999"}, ("transit_ubigeo", "999999", P.NOT_A_PLACE, {})),
        ({"transit_department": "Narnia"}, ("transit_department", "Narnia", P.NOT_A_PLACE, {})),
        ({"transit_ubigeo": "080101", "transit_country": "BO"}, ("transit_country", "BO", P.UBIGEO_OUTSIDE_PERU, {})),
        (
            {"transit_ubigeo": "150101;0801", "transit_department": "Lima;Junín"},
            ("transit_department", "Junín", P.PLACE_MISMATCH, {"ubigeo": "0801"}),
        ),
        ({"transit_country": "BO;Mordor"}, ("transit_country", "Mordor", P.NOT_A_COUNTRY, {})),
        (
            {"transit_country": "BO;", "transit_date": "2024-01-01;2024-01-02"},
            ("transit_country", "BO;", P.EVENT_WITHOUT_PLACE, {}),
        ),
        ({"exploitation_description": "Un bar"}, ("exploitation_country", "", P.EVENT_WITHOUT_PLACE, {})),
        ({"transit_country": "BO", "transit_date": "2999-01-01"}, ("transit_date", "2999-01-01", P.FUTURE_DATE, {})),
    ],
)
def test_an_event_that_cannot_be_placed_or_dated_is_refused(cells, problem):
    assert _problems(**cells) == [(2, *problem)]


def test_a_date_alone_is_ignored_as_it_always_was():
    assert _stored(exploitation_date="2024-01-01")["events"] == []


def test_the_events_are_stored_in_the_order_given_or_else_by_type():
    cells = {"exploitation_country": "CL;PE", "recruitment_ubigeo": "080101", "transit_country": "BO"}
    assert [(e["event_type"], e["country"]) for e in _stored(**cells)["events"]] == [
        ("Exploitation", "CL"),
        ("Exploitation", "PE"),
        ("Recruitment", "PE"),
        ("Transit", "BO"),
    ]
    ordered = _stored(**cells, event_order="captación;Exploitation;transito;Exploitation")["events"]
    assert [(e["event_type"], e["country"]) for e in ordered] == [
        ("Recruitment", "PE"),
        ("Exploitation", "CL"),
        ("Transit", "BO"),
        ("Exploitation", "PE"),
    ]


@pytest.mark.parametrize(
    "order, problem",
    [
        ("Recruitment;Smuggling", (P.NOT_UNDERSTOOD, {"choices": "Recruitment, Transit, Exploitation"})),
        ("Recruitment;", (P.NOT_UNDERSTOOD, {"choices": "Recruitment, Transit, Exploitation"})),
        ("Recruitment;Exploitation", (P.EVENT_ORDER, {"counts": "2 Exploitation, 1 Recruitment"})),
        ("Exploitation;Recruitment;Exploitation;Transit", (P.EVENT_ORDER, {"counts": "2 Exploitation, 1 Recruitment"})),
    ],
)
def test_an_event_order_that_names_an_unknown_type_or_other_events_is_refused(order, problem):
    cells = {"exploitation_country": "CL;PE", "recruitment_ubigeo": "080101", "event_order": order}
    assert _problems(**cells) == [(2, "event_order", order, *problem)]


@pytest.mark.parametrize(
    "cells, problem",
    [
        (
            {"recruiter_relationship": "padre;tío", "per_RoleInProcess": ";Exploiter,Jefe"},
            ("per_RoleInProcess", ";Exploiter,Jefe", P.NOT_UNDERSTOOD),
        ),
        (
            {"recruiter_relationship": "padre", "perpetrator_prs_Gender": "X"},
            ("perpetrator_prs_Gender", "X", P.NOT_UNDERSTOOD),
        ),
        (
            {"recruiter_relationship": "padre", "perpetrator_prs_Citizenship": "Narnia"},
            ("perpetrator_prs_Citizenship", "Narnia", P.NOT_A_COUNTRY),
        ),
        (
            {"recruiter_relationship": "padre;tío", "perpetrator_prs_Birthdate": ";31/02/1980"},
            ("perpetrator_prs_Birthdate", ";31/02/1980", P.NOT_A_DATE),
        ),
        (
            {"recruiter_relationship": "padre", "perpetrator_prs_Birthdate": "1850-01-01"},
            ("perpetrator_prs_Birthdate", "1850-01-01", P.TOO_EARLY),
        ),
    ],
)
def test_a_perpetrator_s_value_that_is_not_understood_is_refused(cells, problem):
    assert [p[:4] for p in _problems(**cells)] == [(2, *problem)]
