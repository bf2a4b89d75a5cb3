"""The methods page: it explains every figure with the parameters in force (age bands, protection, sources),
so changing a setting or a band changes the page; reached from the dashboard, the hot spots and the report."""

import html

import pytest
from django.urls import reverse

from amparo.core import age_bands
from amparo.core.age_bands import AgeBand

pytestmark = pytest.mark.django_db

URL = "/dashboard/methods/"


def _page(client, lang: str = "en") -> str:
    response = client.get(reverse("dashboard-methods"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_it_is_at_its_address_and_needs_a_login(client):
    assert reverse("dashboard-methods") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_explains_units_years_places_family_and_multi_valued_dimensions(registry, analyst, client_as):
    page = _page(client_as(analyst))
    assert "A <strong>case</strong> is one report of one victim by one source organisation: a person" in page
    assert 'Tables that count cases name their unit "cases (reports)".' in page
    assert 'Tables that count victims name their unit "victims (unlinked records: no linkage run yet)".' in page
    assert "No linkage run has been made yet: every report counts as a victim of its own." in page
    assert "A case counts in the year of its registration date" in page
    # The order in which events place a case, and Lima known only as the department.
    assert "in this order: Exploitation › Transit › Recruitment." in page
    assert "a case exploited abroad is placed where the victim was moved through or recruited in Peru" in page
    assert 'A case known only as "Lima", without a province, may be in Lima Metropolitana or not' in page
    relatives = "Parent, Step-parent, Sibling, Grandparent, Uncle or aunt, Other relative"
    assert f"is a relative of the victim ({relatives}) or lives in the victim's household" in page
    assert (
        "these dimensions take several values per case: Type of exploitation, Recruiter's relationship to the "
        "victim, Recruiter's relationship (group)." in page
    )
    assert "never summed from the cells" in page
    sources = page.split("Every case comes from one source organisation: ")[1].split(".")[0].split(", ")
    assert {"Police unit", "Shelter NGO"} <= set(sources)  # with the personas' own organisation


def test_the_age_bands_are_the_codes_own(db, analyst, client_as, monkeypatch):
    client = client_as(analyst)
    page = _page(client)
    assert "A minor is younger than 18." in page
    for label, ages in (
        ("0-12", "0 to 12 years"),
        ("13-17", "13 to 17 years"),
        ("35+", "35 years and over"),
        ("9--17", "9 to 17 years"),
        ("48+", "48 years and over"),
    ):
        assert f'<th scope="row">{label}</th><td>{ages}</td>' in page
    monkeypatch.setattr(age_bands, "PERU_BANDS", (AgeBand("0-14", 0, 14), AgeBand("15+", 15, None)))
    page = _page(client)
    assert '<th scope="row">0-14</th><td>0 to 14 years</td>' in page and '<th scope="row">13-17</th>' not in page


def test_it_names_the_protection_in_force_and_follows_the_threshold_setting(db, analyst, client_as, settings):
    client = client_as(analyst)
    page = _page(client)
    assert "The figures you see are protected: Protected by cell-key perturbation (table amparo-ckm-3" in page
    assert "a published count p comes from a true count between p − 3 and p + 3" in page
    assert "with a threshold of 5: Counts from 1 to 4 are hidden (—)" in page
    settings.STATS_SUPPRESSION_THRESHOLD = 8
    page = _page(client)
    assert "with a threshold of 8: Counts from 1 to 7 are hidden (—)" in page
    assert "threshold of 5" not in page


def test_a_reader_with_exact_figures_is_told_so(db, data_manager, client_as):
    page = _page(client_as(data_manager))
    assert "Your role may see the identities of every case, so you see exact figures" in page
    assert "The figures you see are protected" not in page


def test_it_speaks_spanish(registry, analyst, client_as):
    page = _page(client_as(analyst), "es")
    assert '<html lang="es">' in page
    assert "Protegido por perturbación por clave de celda (tabla amparo-ckm-3" in page
    assert "Padre o madre, Padrastro o madrastra, Hermano o hermana" in page
    assert "Explotación › Traslado › Captación" in page


def test_the_dashboard_the_hot_spots_and_the_report_lead_to_it(synthetic_csv, data_manager, client_as):
    client = client_as(data_manager)
    assert f'href="{URL}"' in client.get(reverse("dashboard") + "?year=2010").content.decode()
    assert f'href="{URL}#hotspots"' in client.get(reverse("dashboard-hotspots") + "?year=2010").content.decode()
    report = client.get(reverse("report-download") + "?year=2010&lang=en&format=md").content.decode()
    assert f"How every figure is computed: the methods page of Amparo, {URL}." in report
