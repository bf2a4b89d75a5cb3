"""What the statistics protect stays protected: no case-level page undoes it, and a narrow scope gets protected
figures.

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
    rows = client.get(reverse("api-v1:stats-count", args=["department"]) + f"?year={year}").json()["rows"]
    return {row["key"]: row["count"] for row in rows}


def _protected(response) -> bool:
    return response.json()["protection"]["method"] == "cell-key perturbation"


def test_an_analyst_cannot_read_a_protected_count_off_the_case_list_or_a_case(cases, analyst, client_as):
    department, count = _small_department(cases)
    client = client_as(analyst)
    assert _protected(client.get(reverse("api-v1:stats-count", args=["department"]) + "?year=2010"))
    # Perturbed on the dashboard (a department perturbed to zero is not listed).
    assert abs(_department_counts(client).get(department, 0) - count) <= 3
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
        reverse("api-v1:stats-count", args=["district"]) + f"?year=2010&department={department}"
    )
    assert _protected(response)
    whole = client_as(personas[role]).get(reverse("api-v1:stats-count", args=["department"]) + "?year=2010")
    assert _protected(whole)
    analyst_view = client_as(personas["analyst"]).get(reverse("api-v1:stats-count", args=["department"]) + "?year=2010")
    assert whole.json()["rows"] == analyst_view.json()["rows"]  # the same perturbed figures as an analyst's


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
