"""End to end in Debian's Chromium: a visitor, not logged in, walks the public site in Spanish and in English:
the years published, a year's figures, the methods page, and a download of the release's tables."""

import json

import pytest

from amparo.release import services
from amparo.synth.domain.generator import SynthOptions, generate
from amparo.synth.services import synth_load
from tests.chromium import browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2010


def test_a_visitor_reads_and_downloads_a_published_year_in_both_languages(
    live_server, browser, data_manager, administrator, tmp_path
):
    synth_load(cases=generate(SynthOptions(first_year=YEAR, last_year=YEAR)))
    release = services.release_create(user=data_manager, year=YEAR)
    services.release_approve(release=release, user=administrator)
    total = release.tables["total"]
    page = browser.new_page(accept_downloads=True, locale="es-PE")  # a visitor from Peru
    page.set_default_timeout(15000)

    # Spanish, the site's language: the index lists the year, with its total and error bound.
    page.goto(f"{live_server.url}/public/")
    assert page.url.endswith("/public/")  # no login asked
    row = page.locator("#published-years tbody tr")
    assert row.count() == 1
    assert row.locator("td").first.inner_text().strip() == str(total)
    page.click(f"#published-years a[href='/public/{YEAR}/']")
    page.wait_for_url(f"**/public/{YEAR}/")
    assert page.locator(".release-total").inner_text().strip() == str(total)
    assert page.locator("#sentences p").first.inner_text().startswith(f"En {YEAR} se registraron {total} casos")
    assert page.locator("svg.choropleth").is_visible()
    assert page.locator("#table-department svg.bar-chart").is_visible()

    # A download: the tables as published.
    with page.expect_download() as download_info:
        page.click(f"#downloads a[href='/public/{YEAR}/tables.json']")
    download = download_info.value
    assert download.suggested_filename == f"amparo-{YEAR}-release-{release.pk}-tables.json"
    saved = tmp_path / "tables.json"
    download.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8")) == release.tables

    # The methods page, reached from the year's page.
    page.click("#headline a[href='/public/methods/']")
    page.wait_for_url("**/public/methods/")
    assert page.locator("#accuracy h3").count() == 1

    # The language switch turns the same pages English.
    page.select_option("#language-select", "en")
    page.click("form.language-switch button[type=submit]")
    page.wait_for_url("**/public/methods/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "How the figures are protected"
    assert page.locator("#accuracy h3").inner_text() == f"{YEAR} (release {release.pk})"
    page.click(".stats-breadcrumb a[href='/public/']")
    page.wait_for_url("**/public/")
    page.click(f"#published-years a[href='/public/{YEAR}/']")
    page.wait_for_url(f"**/public/{YEAR}/")
    assert page.locator("h1").inner_text() == f"Human trafficking in {YEAR}"
    assert (
        page.locator("#sentences p")
        .first.inner_text()
        .startswith(f"In {YEAR}, {total} cases of human trafficking were registered")
    )
    assert page.locator("#table-department h2").inner_text() == "Cases by department"

    with page.expect_download() as download_info:
        page.click(f"#downloads a[href='/public/{YEAR}/microdata.csv']")
    saved = tmp_path / "microdata.csv"
    download_info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8") == release.microdata_csv
    page.close()
