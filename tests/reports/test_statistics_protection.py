"""What the statistics hide stays hidden: no case-level page undoes it, and a narrow scope gets protected figures.

Expected figures come from pandas over the synthetic CSV the registry was loaded from.
"""

import re

import pytest
from django.urls import reverse

from amparo.registry.models import Case
from tests.reports.expected import synthetic_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(synthetic_csv):
    return synthetic_cases(synthetic_csv)


def _small_department(cases, year=2010) -> tuple[str, int]:
    counts = cases[(cases.year == year) & (cases.department != "")].department.value_counts()
    small = counts[(counts > 0) & (counts < 5)]
    assert len(small), f"the synthetic {year} has departments with fewer than 5 cases"
    return small.index[0], int(small.iloc[0])


def _department_counts(client, year=2010) -> dict:
    rows = client.get(reverse("api-stats-count", args=["department"]) + f"?year={year}").json()["rows"]
    return {row["key"]: row["count"] for row in rows}


def test_an_analyst_cannot_read_a_hidden_count_off_the_case_list_or_a_case(cases, analyst, client_as):
    department, count = _small_department(cases)
    client = client_as(analyst)
    assert _department_counts(client)[department] is None  # hidden on the dashboard
    hidden = list(Case.objects.filter(registration_date__year=2010, department_code=department))
    assert len(hidden) == count
    listing = client.get(reverse("case-list") + f"?year=2010&department={department}")
    assert listing.status_code == 403
    assert not [c for c in hidden if c.source_record_id.encode() in listing.content]
    detail = client.get(reverse("case-detail", args=[hidden[0].pk]))
    assert detail.status_code == 403 and hidden[0].source_record_id.encode() not in detail.content


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor"])
def test_a_scope_narrower_than_the_registry_gets_the_whole_registrys_figures_protected(
    cases, personas, client_as, role
):
    department, _ = _small_department(cases)
    response = client_as(personas[role]).get(
        reverse("api-stats-count", args=["district"]) + f"?year=2010&department={department}"
    )
    rows = response.json()["rows"]
    assert response.json()["suppression_threshold"] == 5
    assert not [row for row in rows if row["count"] is not None and 0 < row["count"] < 5]
    assert _department_counts(client_as(personas[role]))[department] is None


def test_identity_roles_that_see_every_case_get_exact_figures(cases, data_manager, administrator, client_as):
    department, count = _small_department(cases)
    for user in (data_manager, administrator):
        assert _department_counts(client_as(user))[department] == count


def _case_links(html: str) -> list[str]:
    return re.findall(rf'href="{re.escape(reverse("case-list"))}\?[^"]*"', html)


def test_hot_spot_districts_link_to_cases_only_for_users_who_may_list_them(
    cases, analyst, data_manager, registrar, client_as
):
    url = reverse("dashboard-hotspots") + "?year=2010"
    assert _case_links(client_as(data_manager).get(url).content.decode())
    assert _case_links(client_as(registrar).get(url).content.decode())  # lists the cases of their own scope
    assert not _case_links(client_as(analyst).get(url).content.decode())
