"""The routes page: where victims were recruited and where they were exploited, as a table and a flow map.

Exact figures are counted by hand (tests/stats/routes.py) or with pandas over the synthetic CSV
(tests/reports/expected.py); protected ones are checked against the truth's bound and the other channels.
"""

import json
import re

import pytest
from django.urls import reverse

from amparo.stats.engine import CELL_KEY_PROTECTION
from tests.reports.expected import synthetic_routes
from tests.stats.routes import EXPECTED_ROUTES, YEAR

pytestmark = pytest.mark.django_db

PAGE = reverse("dashboard-routes")


def _download(client, query: str) -> dict:
    response = client.get(reverse("dashboard-table", args=["routes", "json"]) + query)
    assert response.status_code == 200
    return json.loads(response.content)


def _cells(table: dict) -> dict[tuple[str, str], int | None]:
    """{(recruitment, exploitation): count} of the non-zero cells of a routes table as JSON."""
    return {
        (row["key"], key[2:]): value
        for row in table["rows"]
        if row["key"] != "total"
        for key, value in row.items()
        if key.startswith("c:") and value != 0
    }


def _drawn(html: str) -> set[str]:
    return set(re.findall(r'class="flow(?:-loop)?" data-route="([^"]+)"', html))


def test_the_routes_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_exact_routes_are_counted_and_drawn_for_who_may_see_every_case(routes, data_manager, client_as):
    client = client_as(data_manager)
    table = _download(client, f"?year={YEAR}")
    assert _cells(table) == {key: n for key, (n, _) in EXPECTED_ROUTES.items()}
    assert table["protection"]["method"] == "none"
    html = client.get(PAGE + f"?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Routes with both ends placed are drawn; those with an unknown end are in the table only.
    placed = {f"{r}-{c}" for r, c in EXPECTED_ROUTES if "unknown" not in (r, c)}
    assert _drawn(html) == placed
    assert '<circle class="flow-loop" data-route="17-17"' in html  # within Madre de Dios
    assert "Ayacucho → Lima: 2" in html
    assert 'id="table-routes"' in html


def test_the_dashboard_filters_apply_to_the_routes(routes, data_manager, client_as):
    client = client_as(data_manager)
    family = _download(client, f"?year={YEAR}&family=yes")
    assert _cells(family) == {key: f for key, (_, f) in EXPECTED_ROUTES.items() if f}
    html = client.get(PAGE + f"?year={YEAR}&family=yes").content.decode()
    assert _drawn(html) == {"05-15", "21-17"}


def test_an_analyst_gets_the_routes_protected_as_every_other_channel(routes, analyst, client_as):
    client = client_as(analyst)
    table = _download(client, f"?year={YEAR}")
    assert table["protection"]["method"] == "cell-key perturbation"
    published = _cells(table)
    for key, (n, _) in EXPECTED_ROUTES.items():
        assert abs((published.get(key) or 0) - n) <= CELL_KEY_PROTECTION.max_noise
    api = client.get(
        reverse("api-v1:stats-crosstab", args=["recruitment_department", "exploitation_department"]) + f"?year={YEAR}"
    ).json()
    assert _cells(api) == published  # the same perturbed figures as the API's
    html = client.get(PAGE + f"?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    placed = {f"{r}-{c}" for (r, c), n in published.items() if n and "unknown" not in (r, c)}
    assert _drawn(html) == placed  # the map draws the published figures, no others
    for route in placed:
        r, c = route.split("-")
        count = published[(r, c)]
        assert re.search(rf'data-route="{route}"[^>]*><title>[^<]*: {count}</title>', html)
    assert 'class="stats-suppression"' in html


@pytest.mark.parametrize(
    "query",
    ["?year=dosmil", "?year=2012&department=99", "?year=2012&family=maybe", "?year=2012&sex=robot"],
)
def test_bad_filters_are_refused_with_a_message(routes, data_manager, client_as, query):
    client = client_as(data_manager)
    response = client.get(PAGE + query)
    assert response.status_code == 400
    assert "Algunos filtros no son válidos" in response.content.decode()
    english = client.get(PAGE + query, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and "Some filters are not valid" in english.content.decode()
    download = client.get(reverse("dashboard-table", args=["routes", "csv"]) + query)
    assert download.status_code == 400


def test_the_page_reads_in_spanish_and_in_english(routes, data_manager, client_as):
    client = client_as(data_manager)
    spanish = client.get(PAGE + f"?year={YEAR}", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 200
    html = spanish.content.decode()
    assert '<html lang="es"' in html and "Desconocido" in html and "Ayacucho" in html
    english = client.get(PAGE + f"?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in english
    for text in ("Routes of trafficking", "Abroad", "Department of recruitment", "Width of an arrow"):
        assert text in english


def test_the_dashboard_links_to_the_routes_with_its_filters(routes, data_manager, client_as):
    html = client_as(data_manager).get(reverse("dashboard") + f"?year={YEAR}").content.decode()
    assert f'href="{PAGE}?year={YEAR}"' in html


def test_the_synthetic_registry_shows_routes_from_the_andes_and_the_amazon_to_lima_and_madre_de_dios(
    synthetic_csv, data_manager, client_as
):
    cases = synthetic_routes(synthetic_csv)
    year = cases[cases.year == 2010]
    expected = year.groupby(["recruitment", "exploitation"]).size().to_dict()
    table = _download(client_as(data_manager), "?year=2010")
    assert _cells(table) == expected
    between = year[(year.recruitment != year.exploitation) & (year.recruitment.str.len() == 2)]
    into = between.groupby("exploitation").size()
    assert into.get("15", 0) + into.get("17", 0) > len(between) / 2  # most routes end in Lima or Madre de Dios
    andes_and_amazon = {"02", "03", "05", "06", "08", "09", "10", "12", "16", "19", "21", "25"}
    assert between.recruitment.isin(andes_and_amazon).mean() > 0.5


def test_filters_that_match_no_case_give_a_clear_page(routes, data_manager, client_as):
    # Every case of tests/stats/routes.py is a girl's.
    response = client_as(data_manager).get(PAGE + f"?year={YEAR}&sex=Masculine", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    legend = " ".join(re.findall(r"<text [^>]*>([^<]*)</text>", html))  # the legend wraps its lines
    assert "No route with a known place of recruitment and of exploitation." in legend
    assert not _drawn(html)
