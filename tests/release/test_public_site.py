"""The public site: only approved releases, figures read from the release and never from the live registry,
every file downloadable, no identifying data, the site's security headers and language switch."""

import dataclasses
import io
import json
import re
from datetime import date

import pandas as pd
import pytest
from django.db import connection
from django.test import Client

from amparo.registry.services import case_register
from amparo.release import services
from amparo.release.domain.files import FILE_NAMES
from amparo.stats import engine
from amparo.stats.filters import CaseFilter
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME, VICTIM_SURNAME, victim_record
from tests.security.test_headers import EXPECTED_POLICY

YEAR = 2010
PUBLIC_PAGES = ("/public/", f"/public/{YEAR}/", "/public/methods/")


def _english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _page(client, url) -> str:
    """The page without its per-request CSRF token, so two renderings can be compared."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def approved(registry_2010, data_manager, administrator):
    release = services.release_create(user=data_manager, year=YEAR)
    services.release_approve(release=release, user=administrator)
    return release


def test_an_unapproved_release_is_never_shown(registry_2010, data_manager, client):
    release = services.release_create(user=data_manager, year=YEAR)
    index = _page(client, "/public/")
    assert f"/public/{YEAR}/" not in index and "No release has been approved" in _page(_english(), "/public/")
    assert client.get(f"/public/{YEAR}/").status_code == 404
    for name in FILE_NAMES:
        assert client.get(f"/public/{YEAR}/{name}").status_code == 404
    assert f"release {release.pk}" not in _page(_english(), "/public/methods/")


def test_the_latest_approved_release_of_a_year_is_shown_and_a_newer_unapproved_one_is_not(
    approved, data_manager, administrator, settings
):
    settings.RELEASE_EPSILON_PER_YEAR = 20.0
    newer = services.release_create(user=data_manager, year=YEAR, epsilon_tables=1.0, epsilon_synthetic=1.0)
    page = _page(_english(), f"/public/{YEAR}/")
    assert f"Release {approved.pk}," in page and f"Release {newer.pk}," not in page
    services.release_approve(release=newer, user=administrator)
    page = _page(_english(), f"/public/{YEAR}/")
    assert f"Release {newer.pk}," in page and f"Release {approved.pk}," not in page


def test_the_year_page_shows_the_release_figures_with_their_error_bounds(approved):
    page = _page(_english(), f"/public/{YEAR}/")
    tables = approved.tables
    assert f'<strong class="release-total">{tables["total"]}</strong> ± {tables["total_error_bound_95"]}' in page
    assert f"In {YEAR}, {tables['total']:,} cases of human trafficking were registered" in page
    by_slug = {t["slug"]: t for t in tables["tables"]}
    sex = by_slug["sex"]
    section = page[page.index('id="table-sex"') : page.index('id="table-age_group"')]
    assert f"within {sex['error_bound_95']} cases of the true count" in section
    printed = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', section)
    labels = {"Feminine": "Female", "Masculine": "Male"}
    expected = {r["sex"]: r["count"] for r in sex["rows"]}
    assert sum(int(count) for _, count in printed) == tables["total"]
    assert dict(printed)[labels["Feminine"]] == str(expected["Feminine"])
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart"') == 7
    # The map is drawn on the department boundaries, each department with its published count.
    assert 'class="map choropleth"' in page and page.count('<path class="department') == 25
    lima = next(r["count"] for r in by_slug["department"]["rows"] if r["department"] == "15")
    assert re.search(rf'data-code="15"[^>]*><title>Lima: {lima:,}</title>', page)
    for name in FILE_NAMES:
        assert f'href="/public/{YEAR}/{name}"' in page


def test_the_pages_do_not_change_when_the_registry_does(approved, organisation):
    client = _english()
    before = {url: _page(client, url) for url in PUBLIC_PAGES}
    files_before = {name: client.get(f"/public/{YEAR}/{name}").content for name in FILE_NAMES if name != "tables.xlsx"}
    live_before = engine.case_count(CaseFilter(years=(YEAR,)))

    for number in range(30):
        record = dataclasses.replace(victim_record(f"LATER-{number}"), registration_date=date(YEAR, 6, 1))
        case_register(record=record, source=organisation)
    assert engine.case_count(CaseFilter(years=(YEAR,))) == live_before + 30  # the registry did change

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        after = {url: _page(client, url) for url in PUBLIC_PAGES}
    assert after == before
    assert files_before == {name: client.get(f"/public/{YEAR}/{name}").content for name in files_before}
    assert any("release_release" in sql for sql in statements)  # the wrapper sees the pages' reads
    touched = [sql for sql in statements if re.search(r'"?registry_(case|person|perpetrator|event)', sql)]
    assert not touched, touched


def test_every_file_of_the_release_is_downloadable(approved, client):
    for name in FILE_NAMES:
        response = client.get(f"/public/{YEAR}/{name}")
        assert response.status_code == 200, name
        assert response["Content-Disposition"] == f'attachment; filename="amparo-{YEAR}-release-{approved.pk}-{name}"'
    summary = json.loads(client.get(f"/public/{YEAR}/release.json").content)
    assert summary["approved"] is True and summary["year"] == YEAR
    assert "created_by" not in summary  # no member of staff is named in public
    assert json.loads(client.get(f"/public/{YEAR}/tables.json").content) == approved.tables
    assert client.get(f"/public/{YEAR}/microdata.csv").content.decode() == approved.microdata_csv
    assert client.get(f"/public/{YEAR}/synthetic.csv").content.decode() == approved.synthetic_csv
    workbook = pd.read_excel(
        io.BytesIO(client.get(f"/public/{YEAR}/tables.xlsx").content), sheet_name=None, engine="calamine"
    )
    department = workbook["department"]
    assert int(department.iloc[2:, 1].astype(int).sum()) == approved.tables["total"]
    assert client.get(f"/public/{YEAR}/secrets.txt").status_code == 404
    assert client.get("/public/2011/release.json").status_code == 404


def test_the_methods_page_states_how_and_with_what_accuracy(approved):
    page = _page(_english(), "/public/methods/")
    accuracy = approved.accuracy["microdata"]
    for phrase in (
        "What is protected",
        "differential privacy",
        "at least k cases",
        f"{YEAR} (release {approved.pk})",
        "Age: 20-year bands",
        f"{accuracy['rows_published']} records, each sharing its values with at least 5",
        f"the total within {approved.tables['total_error_bound_95']} cases",
    ):
        assert phrase in page, phrase


def test_the_public_pages_carry_no_identifying_data(registry_2010, organisation, data_manager, administrator, client):
    record = dataclasses.replace(victim_record(), registration_date=date(YEAR, 5, 6))
    case_register(record=record, source=organisation)
    release = services.release_create(user=data_manager, year=YEAR)
    services.release_approve(release=release, user=administrator)
    secrets = [VICTIM_FIRST_NAME, *VICTIM_SURNAME.split(), VICTIM_DNI, data_manager.username, administrator.username]
    bodies = [client.get(url).content for url in PUBLIC_PAGES]
    bodies += [client.get(f"/public/{YEAR}/{name}").content for name in FILE_NAMES if name != "tables.xlsx"]
    for body in bodies:
        assert not [s for s in secrets if s.encode() in body or s.upper().encode() in body]


def test_the_public_pages_are_open_carry_the_security_headers_and_switch_language(approved):
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/public/{YEAR}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_POLICY
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and "<style" not in html and " style=" not in html
    assert "Casos por departamento" in html  # Spanish by default

    refused = client.post("/i18n/setlang/", {"language": "en", "next": f"/public/{YEAR}/"})
    assert refused.status_code == 403  # the language switch is a form with a CSRF token, like the rest of the site
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": f"/public/{YEAR}/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302 and switched["Location"] == f"/public/{YEAR}/"
    assert "Cases by department" in client.get(f"/public/{YEAR}/").content.decode()


def test_only_reading_methods_are_allowed(approved, client):
    assert client.post("/public/").status_code == 405
    assert client.post(f"/public/{YEAR}/release.json").status_code == 405
