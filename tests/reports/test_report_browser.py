"""The report and the dashboard in Debian's Chromium: charts and maps present and visible, CSP respected."""

import io

import pytest
from django.core.management import call_command

from amparo.reports.annual import build_annual_report
from amparo.reports.writers import render_report
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
    call_command("report", "--year", "2010", "--lang", "es", "--out", str(out), "--no-suppress", stderr=io.StringIO())
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    assert page.title() == "Trata de personas en el Perú: casos registrados en 2010"
    assert _visible_svgs(page, "svg.choropleth") == 2
    assert page.locator("svg.choropleth path.department").count() == 2 * 25
    assert _visible_svgs(page, "svg.bar-chart") >= 10
    assert _visible_svgs(page, "svg.line-chart") == 2
    assert "120 (47 %) en Lima" in page.locator("#summary").inner_text()
    assert requests == [out.as_uri()]  # self-contained: nothing else is fetched
    page.emulate_media(media="print")
    assert _visible_svgs(page, "svg.choropleth") == 2
    page.close()


# Every text of every chart and map, with the box the browser lays it out in, and its drawing's width.
TEXTS_OUTSIDE_THEIR_SVG = """() => [...document.querySelectorAll("svg.chart, svg.map")].flatMap((svg) => {
  const width = svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map((text) => {
    const box = text.getBBox();
    return [text.textContent, box.x, box.x + box.width, width];
  }).filter(([, left, right, room]) => left < -0.5 || right > room + 0.5);
})"""


def test_no_text_of_the_reports_charts_and_maps_is_cut_off_and_hidden_counts_are_short_stubs(
    synthetic_2010, browser, tmp_path
):
    """In Spanish, whose words are longer: the share map's title («…por departamento»), the sources' names
    (long, on the left of their bars), every legend; counts hidden by small-cell suppression are drawn short,
    never as long bars."""
    out = tmp_path / "report.html"
    call_command("report", "--year", "2010", "--lang", "es", "--out", str(out), stderr=io.StringIO())
    page = browser.new_page()
    page.goto(out.as_uri())
    assert page.locator("svg.chart, svg.map").count() >= 15
    assert page.evaluate(TEXTS_OUTSIDE_THEIR_SVG) == []
    assert "por departamento" in page.locator("#map-family svg").text_content()
    suppressed = tmp_path / "suppressed.html"
    suppressed.write_bytes(render_report(build_annual_report(year=2010, lang="es", suppress=5), "html"))
    page.goto(suppressed.as_uri())
    assert page.evaluate(TEXTS_OUTSIDE_THEIR_SVG) == []
    assert page.locator("svg.choropleth path.department.hidden").count() > 0  # hatched, not coloured
    hidden = page.locator("rect.bar.hidden")
    assert hidden.count() > 0
    longest = max(float(bar.get_attribute("width")) for bar in page.locator("rect.bar:not(.hidden)").all())
    assert all(float(bar.get_attribute("width")) <= 10 < longest for bar in hidden.all())
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
    total = int(page.locator("#figure-total .value").inner_text())
    assert abs(total - 253) <= 3  # an analyst's figures are perturbed, by at most 3
    assert _visible_svgs(page, "svg.choropleth") == 2  # department boundaries by default
    assert page.evaluate(TEXTS_OUTSIDE_THEIR_SVG) == []
    assert page.locator(".stats-suppression").is_visible()
    page.click(".stats-map-kind a")  # the tile grid, kept as a choice
    page.wait_for_url("**map=tiles**")
    assert _visible_svgs(page, "svg.tile-map") == 2

    page.select_option("#id_sex", "Masculine")
    page.click(".stats-filters button[type=submit]")
    page.wait_for_url("**sex=Masculine**")
    assert int(page.locator("#figure-total .value").inner_text()) < total  # men are a small part of the cases
    assert "map=tiles" in page.url  # the filters keep the kind of map
    page.click("#table-place tbody th a >> nth=0")
    page.wait_for_url("**department=**")
    assert page.locator(".stats-breadcrumb a").count() == 1
    assert violations == []
    page.close()


def test_the_hot_spots_page_shows_its_map_and_pages_in_a_browser(synthetic_2010, live_server, browser, organisation):
    make_user("browser_manager", "data_manager", organisation)
    page = browser.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server.url, "browser_manager", "/dashboard/hotspots/")
    page.goto(f"{live_server.url}/dashboard/hotspots/?year=2010")
    assert _visible_svgs(page, "#hotspots-map svg.choropleth") == 1
    assert page.evaluate(TEXTS_OUTSIDE_THEIR_SVG) == []
    assert page.locator("#table-hotspots tbody tr").count() == 25
    page.click(".stats-pages a[rel=next]")
    page.wait_for_url("**page=2**")
    assert "year=2010" in page.url
    assert page.locator(".stats-pages strong[aria-current=page]").inner_text() == "2"
    assert _visible_svgs(page, "#hotspots-map svg.choropleth") == 1
    page.close()


# Every text of the routes map whose box leaves the drawing, across or down.
ROUTE_TEXTS_OUTSIDE = """() => [...document.querySelectorAll("svg.flow-map")].flatMap((svg) => {
  const room = svg.viewBox.baseVal;
  return [...svg.querySelectorAll("text")].map((text) => {
    const box = text.getBBox();
    return [text.textContent, box.x, box.y, box.x + box.width, box.y + box.height];
  }).filter(([, left, top, right, bottom]) => left < -0.5 || top < -0.5 || right > room.width + 0.5
    || bottom > room.height + 0.5);
})"""


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_routes_page_draws_its_map_in_a_browser_with_every_text_inside(
    synthetic_2010, live_server, browser, organisation, language
):
    make_user("browser_routes", "analyst", organisation)
    page = browser.new_page(locale=language, extra_http_headers={"Accept-Language": language})
    page.set_default_timeout(15000)
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(page, live_server.url, "browser_routes", "/")
    page.click("a[href^='/dashboard/routes/']")
    page.wait_for_url("**/dashboard/routes/**")
    assert page.locator("html").get_attribute("lang") == language
    assert _visible_svgs(page, "svg.flow-map") == 1
    assert page.locator("svg.flow-map g.flow").count() > 10  # the synthetic routes: many departments feed Lima
    assert page.locator("#table-routes").is_visible()
    assert page.evaluate(ROUTE_TEXTS_OUTSIDE) == []
    assert violations == []
    page.close()
