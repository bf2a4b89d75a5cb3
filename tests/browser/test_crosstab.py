"""In Debian's Chromium: from the dashboard to the cross-table page, where two dimensions are picked and the
table appears, counted as tests/stats/cases.py writes the hand-made registry out by hand."""

import pytest

from tests.chromium import browser, log_in  # noqa: F401  (the fixture)
from tests.personas import make_user
from tests.stats.cases import register_hand_made_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_data_manager_picks_two_dimensions_and_sees_the_cross_table(live_server, browser, organisation):
    register_hand_made_cases()
    make_user("browser_data_manager", "data_manager", organisation)
    page = browser.new_page(locale="es-PE")
    page.set_default_timeout(15000)
    page.set_default_navigation_timeout(60000)  # the first page of a new live server, on a busy machine
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(page, live_server.url, "browser_data_manager", "/")

    page.click(".stats-links a[href^='/dashboard/crosstab/']")
    page.wait_for_url("**/dashboard/crosstab/**")
    assert page.locator(".stats-table").count() == 0  # nothing to count before two dimensions are picked
    page.select_option("#id_year", "2010")
    page.select_option("#id_rows", "sex")
    page.select_option("#id_columns", "family_facilitated")
    page.click(".stats-filters button[type=submit]")
    page.wait_for_url("**columns=family_facilitated**")

    table = page.locator("#table-sex-family-facilitated")
    assert "Sexo × Facilitado por familiares" in table.locator("h2").inner_text()
    assert page.locator(".stats-exact").is_visible()
    # 2010 by hand: women 9 (4 family-facilitated: L01, L02, C01, M01), men 2 (L03), 1 of unknown sex (X01).
    cells = {
        row.locator("th").inner_text(): [td.inner_text() for td in row.locator("td").all()]
        for row in table.locator("tbody tr").all()
    }
    assert cells["Femenino"] == ["4", "5", "9"]
    assert cells["Masculino"] == ["1", "1", "2"]
    assert cells["Total"] == ["6", "6", "12"]
    assert table.locator(".stats-downloads a").count() == 3

    # The same dimension twice is refused beside the field (a whole page, as htmx would swap nothing on a 400).
    page.select_option("#id_columns", "sex")
    page.click(".stats-filters button[type=submit]")
    page.wait_for_url("**columns=sex**")
    assert page.locator("label[for=id_columns] .errorlist").is_visible()
    assert page.locator(".stats-table").count() == 0
    assert violations == []
    page.close()
