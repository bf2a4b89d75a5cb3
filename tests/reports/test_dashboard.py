"""The dashboard pages, downloads and report download, checked against pandas over the synthetic CSV."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from amparo.core import geography
from tests.reports.expected import synthetic_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(synthetic_csv):
    return synthetic_cases(synthetic_csv)


def _csv(response) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[1:] for row in rows[1:]}


def _figure(html: str, ident: str) -> str:
    return re.search(rf'id="{ident}"><span class="value">([^<]*)<', html).group(1)


def test_the_dashboard_needs_a_login(client, synthetic_csv):
    for name in ("dashboard", "dashboard-hotspots", "report-download"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("api-v1:stats-headline")).status_code == 401  # an API answers, it does not redirect


def test_the_2010_dashboard_shows_253_cases_and_lima_47_percent(cases, data_manager, client_as):
    html = client_as(data_manager).get(reverse("dashboard") + "?year=2010").content.decode()
    year = cases[cases.year == 2010]
    assert _figure(html, "figure-total") == str(len(year)) == "253"
    assert _figure(html, "figure-family") == str(year.family_facilitated.sum())
    assert "<li>Lima <strong>47 %</strong></li>" in html
    assert "En 2010 se registraron 253 casos de trata de personas; 120 (47 %) en Lima" in html
    assert html.count('class="map choropleth"') == 2  # department boundaries by default
    assert '<a href="?year=2010&amp;department=08"><path class="department" data-code="08"' in html
    tiles = client_as(data_manager).get(reverse("dashboard") + "?year=2010&map=tiles").content.decode()
    assert tiles.count('class="map tile-map"') == 2
    assert '<a href="?year=2010&amp;map=tiles&amp;department=08"><g class="tile" data-code="08">' in tiles
    assert (
        '<a href="?year=2010&amp;map=tiles&amp;department=15&amp;province=1501"><g class="tile" data-code="1501">'
        in tiles
    )


def test_the_default_year_is_the_last_complete_one_even_when_a_new_year_has_begun(cases, data_manager, client_as):
    """One case registered today must not move the dashboard, the hot spots and the headline API to a year
    that has just begun: they open on the last complete year with cases, and say so."""
    from django.utils import timezone

    from amparo.registry.models import Organisation
    from amparo.registry.records import CaseRecord, PersonRecord
    from amparo.registry.services import cases_register

    today = timezone.localdate()
    source = Organisation.objects.create(name="Hotline", org_type="NGO")
    cases_register(records=[CaseRecord("NEW-1", today, victim=PersonRecord("Feminine", "PE"))], source=source)
    last = cases.year.max()  # the synthetic registry ends years before today
    client = client_as(data_manager)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _figure(html, "figure-total") == str((cases.year == last).sum())
    assert f"No year chosen: {last}, the last complete year, is shown." in html
    hotspots = client.get(reverse("dashboard-hotspots"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{last}, the last complete year" in hotspots
    headline = client.get(reverse("api-v1:stats-headline"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert headline["filters"]["year"] == [last] and headline["total"]["value"] == (cases.year == last).sum()
    assert headline["year_note"] == f"No year chosen: {last}, the last complete year, is shown."
    chosen = client.get(reverse("dashboard") + f"?year={today.year}").content.decode()
    assert _figure(chosen, "figure-total") == "1" and "stats-year-note" not in chosen


def test_filters_narrow_every_figure(cases, data_manager, client_as):
    client = client_as(data_manager)
    year = cases[cases.year == 2010]
    boys = year[year.prs_Gender == "Masculine"]
    html = client.get(reverse("dashboard") + "?year=2010&sex=Masculine").content.decode()
    assert _figure(html, "figure-total") == str(len(boys))
    children = year[year.age <= 12]
    html = client.get(reverse("dashboard") + "?year=2010&age_group=0-12").content.decode()
    assert _figure(html, "figure-total") == str(len(children))
    both = cases[cases.year.isin([2010, 2011])]
    html = client.get(reverse("dashboard") + "?year=2010&year=2011").content.decode()
    assert _figure(html, "figure-total") == str(len(both))


def test_drill_down_goes_from_department_to_province_to_district(cases, data_manager, client_as):
    client = client_as(data_manager)
    year = cases[cases.year == 2010]
    provinces = _csv(client.get(reverse("dashboard-table", args=["place", "csv"]) + "?year=2010&department=15"))
    expected = year[year.department == "15"].province.replace("", "unknown").value_counts().to_dict()
    assert {k: int(v[1]) for k, v in provinces.items() if k != "total"} == expected
    html = client.get(reverse("dashboard") + "?year=2010&department=15").content.decode()
    assert "?year=2010&amp;department=15&amp;province=1501" in html
    districts = _csv(client.get(reverse("dashboard-table", args=["place", "csv"]) + "?year=2010&province=1501"))
    expected = year[year.province == "1501"].district.replace("", "unknown").value_counts().to_dict()
    assert {k: int(v[1]) for k, v in districts.items() if k != "total"} == expected
    html = client.get(reverse("dashboard") + "?year=2010&province=1501").content.decode()
    assert _figure(html, "figure-total") == str((year.province == "1501").sum())
    assert 'class="stats-breadcrumb"' in html and ">Lima</a> ›" in html


def test_a_department_without_cases_gives_a_clear_page(cases, data_manager, client_as):
    year = cases[cases.year == 2010]
    empty = next(p.ubigeo for p in geography.departments() if (year.department == p.ubigeo).sum() == 0)
    response = client_as(data_manager).get(reverse("dashboard") + f"?year=2010&department={empty}")
    assert response.status_code == 200
    html = response.content.decode()
    assert _figure(html, "figure-total") == "0"
    assert "Ningún caso cumple estos filtros." in html


def test_bad_filters_are_refused_with_a_message(synthetic_csv, data_manager, client_as):
    response = client_as(data_manager).get(reverse("dashboard") + "?year=dosmil&department=99")
    assert response.status_code == 400
    assert "Algunos filtros no son válidos" in response.content.decode()
    api = client_as(data_manager).get(reverse("api-v1:stats-headline") + "?department=99")
    assert api.status_code == 422 and "department" in [error["field"] for error in api.json()["errors"]]


def test_every_table_downloads_as_csv_and_xlsx_with_the_figures(cases, data_manager, client_as):
    client = client_as(data_manager)
    year = cases[cases.year == 2010]
    departments = _csv(client.get(reverse("dashboard-table", args=["place", "csv"]) + "?year=2010"))
    expected = year[year.department != ""].department.value_counts().to_dict()
    assert {k: int(v[1]) for k, v in departments.items() if k not in ("total", "unknown")} == expected
    for name in ("exploitation", "sex", "age-group", "relationship-group", "source", "hotspots", "citizenship"):
        response = client.get(reverse("dashboard-table", args=[name, "xlsx"]) + "?year=2010")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get(reverse("dashboard-table", args=["sex", "xlsx"]) + "?year=2010").content)
    )
    rows = book.get_sheet_by_name("sex").to_python()
    female = next(r for r in rows if r[0] == "Femenino")
    assert female[1] == (year.prs_Gender == "Feminine").sum()
    assert client.get(reverse("dashboard-table", args=["nothing", "csv"])).status_code == 404


def test_analysts_get_perturbed_tables_and_data_managers_exact_ones(cases, analyst, data_manager, client_as):
    year = cases[(cases.year == 2010) & (cases.department != "")]
    counts = year.department.value_counts()
    assert ((counts > 0) & (counts < 5)).any(), "the synthetic 2010 has departments with fewer than 5 cases"
    url = reverse("dashboard-table", args=["place", "csv"]) + "?year=2010"
    as_analyst, as_data_manager = _csv(client_as(analyst).get(url)), _csv(client_as(data_manager).get(url))
    assert {code: int(as_data_manager[code][1]) for code in counts.index} == counts.to_dict()
    # Every small count shown, none hidden; a department perturbed to zero is left out, as an empty one is.
    shown = {code: int(as_analyst[code][1]) if code in as_analyst else 0 for code in counts.index}
    assert all(abs(shown[code] - n) <= 3 and shown[code] >= 0 for code, n in counts.items())
    assert all(int(as_analyst[code][1]) > 0 for code in counts.index if code in as_analyst)
    assert shown != counts.to_dict()  # a noise of 0 for all 20-odd departments: about 1 chance in 10^8
    assert _csv(client_as(analyst).get(url)) == as_analyst  # the same cells, the same values
    analyst_page = client_as(analyst).get(reverse("dashboard") + "?year=2010").content.decode()
    data_manager_page = client_as(data_manager).get(reverse("dashboard") + "?year=2010").content.decode()
    # The notes name the perturbation table and its bound (whatever the language) or say the figures are exact.
    note = re.search(r'<p class="stats-suppression" role="note">([^<]*)</p>', analyst_page).group(1)
    assert "amparo-ckm-3" in note and "±3" in note
    assert 'class="stats-suppression"' not in data_manager_page
    assert 'class="stats-exact"' in data_manager_page and "amparo-ckm-3" not in data_manager_page
    protection = (
        client_as(analyst).get(reverse("api-v1:stats-count", args=["department"]) + "?year=2010").json()["protection"]
    )
    assert protection == {
        "method": "cell-key perturbation",
        "perturbation_table": "amparo-ckm-3",
        "max_noise": 3,
        "additive": False,
    }


def test_hot_spots_rank_districts_by_family_facilitated_cases(cases, data_manager, analyst, client_as):
    year = cases[(cases.year == 2010) & (cases.district != "")]
    expected = year[year.family_facilitated].district.value_counts()
    rows = _csv(client_as(data_manager).get(reverse("dashboard-table", args=["hotspots", "csv"]) + "?year=2010"))
    assert {k: int(v[3]) for k, v in rows.items()} == expected.to_dict()
    assert [int(v[3]) for v in rows.values()] == sorted(expected.values, reverse=True)
    html = client_as(analyst).get(reverse("dashboard-hotspots") + "?year=2010").content.decode()
    assert "Focos de casos facilitados por familiares" in html and 'class="stats-suppression"' in html
    first = re.search(r"<tbody>\s*<tr[^>]*>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="([^"]*)">', first)  # province, department: text; then the counts and shares
    assert [c.strip() for c in cells[:2]] == ["", ""] and all("num" in c for c in cells[2:]) and len(cells) == 7


def test_the_json_api_gives_the_same_statistics(cases, data_manager, client_as):
    client = client_as(data_manager)
    year = cases[cases.year == 2010]
    headline = client.get(reverse("api-v1:stats-headline") + "?year=2010").json()
    assert headline["total"]["value"] == len(year)
    assert headline["top_departments"][0] == {**headline["top_departments"][0], "key": "15", "count": 120}
    exploitation = client.get(reverse("api-v1:stats-count", args=["exploitation"]) + "?year=2010").json()
    exploded = year.vic_TypeOfExploitation.replace("", "unknown").str.split(";").explode().value_counts().to_dict()
    assert {r["key"]: r["count"] for r in exploitation["rows"] if r["key"] != "total"} == exploded
    crosstab = client.get(
        reverse("api-v1:stats-crosstab", args=["department", "family_facilitated"]) + "?year=2010"
    ).json()
    lima = next(r for r in crosstab["rows"] if r["key"] == "15")
    assert lima["c:yes"] == year[(year.department == "15") & year.family_facilitated].shape[0]
    colour = client.get(reverse("api-v1:stats-count", args=["colour"]))
    assert colour.status_code == 422 and colour.json()["errors"][0]["field"] == "dimension"


def test_the_json_api_speaks_one_language_the_requests(cases, data_manager, client_as):
    """A Spanish request gets Spanish definitions beside the Spanish labels and titles; an English one English."""
    client = client_as(data_manager)
    spanish = client.get(reverse("api-v1:stats-headline") + "?year=2010", HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["family_facilitated"] == {
        **spanish["family_facilitated"],
        "label": "Casos facilitados por familiares",
        "definition": "Casos en los que participó un familiar o un miembro del hogar de la víctima.",
    }
    assert spanish["family_facilitated_share"]["label"] == "Porcentaje facilitado por familiares"
    english = client.get(reverse("api-v1:stats-headline") + "?year=2010", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["family_facilitated"]["definition"] == (
        "Cases in which a relative or a member of the victim's household took part."
    )
    assert english["total"]["definition"] == "Cases (reports) registered in the selected years and filters."
    counts = client.get(reverse("api-v1:stats-count", args=["sex"]) + "?year=2010", HTTP_ACCEPT_LANGUAGE="es").json()
    assert counts["title"] == "Sexo" and counts["rows"][0]["label"] == "Femenino"


def test_the_api_trend_counts_every_year_of_the_filters_cases(cases, data_manager, client_as):
    trend = client_as(data_manager).get(reverse("api-v1:stats-trend") + "?year=2010&sex=Masculine").json()
    boys = cases[cases.prs_Gender == "Masculine"]
    assert {r["key"]: r["count"] for r in trend["rows"] if r["key"] != "total"} == {
        str(year): n for year, n in boys.year.value_counts().items()
    }


def test_the_report_downloads_in_every_format_and_analysts_only_get_it_suppressed(
    synthetic_csv, analyst, data_manager, client_as
):
    url = reverse("report-download")
    for fmt in ("html", "xlsx", "json", "md"):
        response = client_as(data_manager).get(url + f"?year=2010&lang=en&format={fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="amparo-report-2010-en.{fmt}"'
    restricted = json.loads(client_as(data_manager).get(url + "?year=2010&format=json").content)
    protected = json.loads(client_as(data_manager).get(url + "?year=2010&format=json&suppress=1").content)
    published = json.loads(client_as(analyst).get(url + "?year=2010&format=json&suppress=0").content)
    assert restricted["protection"] == {"method": "none", "for_publication": False}
    assert protected["protection"]["method"] == published["protection"]["method"] == "cell-key perturbation"
    assert protected["tables"] == published["tables"]  # one protection, whoever asks for it
    assert client_as(analyst).get(url + "?year=abc").status_code == 400
    assert client_as(analyst).get(url + "?year=2010&format=docx").status_code == 400


def test_every_channel_shows_an_analyst_the_same_perturbed_figures(cases, analyst, client_as):
    client = client_as(analyst)
    page = _csv(client.get(reverse("dashboard-table", args=["sex", "csv"]) + "?year=2010"))
    api = client.get(reverse("api-v1:stats-count", args=["sex"]) + "?year=2010").json()
    report = json.loads(client.get(reverse("report-download") + "?year=2010&format=json").content)
    in_report = next(t for t in report["tables"] if t["slug"] == "sex")
    by_api = {r["key"]: r["count"] for r in api["rows"]}
    assert by_api == {r["key"]: r["count"] for r in in_report["rows"]}
    assert sorted(int(v[1]) for v in page.values()) == sorted(by_api.values())
    year = cases[cases.year == 2010]
    assert abs(by_api["total"] - len(year)) <= 3


def test_every_download_is_written_to_the_audit_log(cases, analyst, client_as):
    from amparo.audit.models import AuditEvent

    client = client_as(analyst)
    client.get(reverse("dashboard-table", args=["sex", "csv"]) + "?year=2010")
    client.get(reverse("report-download") + "?year=2010&format=json")
    events = list(
        AuditEvent.objects.filter(user=analyst, action="export").order_by("id").values_list("details", flat=True)
    )
    assert [e.get("table") or e.get("report") for e in events] == ["sex", 2010]
    assert all(e["suppressed"] for e in events)


def test_each_hot_spot_leads_to_the_cases_it_counts(cases, data_manager, client_as):
    """From a district of the hot spots (with the dashboard's filters) to the case list of its family-facilitated
    cases: as many as pandas counts in the generated CSV, for a filter on years and on sex too."""
    client = client_as(data_manager)
    for query, chosen in (
        ("?year=2010", (cases.year == 2010)),
        ("?year=2011&year=2012&sex=Feminine", cases.year.isin([2011, 2012]) & (cases.prs_Gender == "Feminine")),
    ):
        html = client.get(reverse("dashboard-hotspots") + query).content.decode()
        links = re.findall(r'<th scope="row"><a href="([^"]+)">', html)
        assert links and all(link.startswith(reverse("case-list")) for link in links)
        link = links[0].replace("&amp;", "&")
        district = re.search(r"district=(\d{6})", link).group(1)
        expected = (chosen & (cases.district == district) & cases.family_facilitated).sum()
        listed = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f">{expected} case{'s' if expected != 1 else ''}<" in listed and "Place: " in listed
