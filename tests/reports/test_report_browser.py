"""The report and the dashboard in Debian's Chromium: charts and maps present and visible, CSP respected."""

import io

import pytest
from django.core.management import call_command

from tests.chromium import browser, log_in  # noqa: F401  (the fixture)
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def synthetic_2010(transactional_db):
    call_command("synth", "--years", "2010", stdout=io.StringIO())


def _visible_svgs(page, selector: str) -> int:
    return sum(1 for svg in page.locator(selector).all() if svg.is_visible() and svg.bounding_box()["width"] > 100)


def test_the_html_report_shows_its_charts_and_maps_in_a_browser(synthetic_2010, browser, tmp_path):
    out = tmp_path / "report.html"
    call_command("report", "--year", "2010", "--lang", "es", "--out", str(out), stderr=io.StringIO())
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    assert page.title() == "Trata de personas en el Perú: casos registrados en 2010"
    assert _visible_svgs(page, "svg.tile-map") == 2
    assert page.locator("svg.tile-map g.tile").count() == 2 * 26
    assert _visible_svgs(page, "svg.bar-chart") >= 10
    assert _visible_svgs(page, "svg.line-chart") == 2
    assert "120 (47 %) en Lima" in page.locator("#summary").inner_text()
    assert requests == [out.as_uri()]  # self-contained: nothing else is fetched
    page.emulate_media(media="print")
    assert _visible_svgs(page, "svg.tile-map") == 2
    page.close()


def test_the_dashboard_works_in_a_browser_under_the_content_security_policy(
    synthetic_2010, live_server, browser, organisation
):
    make_user("browser_analyst", "analyst", organisation)
    page = browser.new_page()
    page.set_default_timeout(15000)
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(page, live_server.url, "browser_analyst", "/")
    assert page.locator("#figure-total .value").inner_text() == "253"
    assert _visible_svgs(page, "svg.tile-map") == 2
    assert page.locator(".stats-suppression").is_visible()

    page.select_option("#id_sex", "Masculine")
    page.click(".stats-filters button[type=submit]")
    page.wait_for_url("**sex=Masculine**")
    assert page.locator("#figure-total .value").inner_text() != "253"
    page.click("#table-place tbody th a >> nth=0")
    page.wait_for_url("**department=**")
    assert page.locator(".stats-breadcrumb a").count() == 1
    assert violations == []
    page.close()
