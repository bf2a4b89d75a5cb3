"""End to end in Debian's Chromium: an analyst follows the dashboard's link to the methods page and reads there
the protection their figures have, with its bound, and the age bands the tables use."""

import pytest
from django.urls import reverse

from tests.chromium import browser, log_in  # noqa: F401  (the fixture)
from tests.personas import make_user
from tests.stats.cases import register_hand_made_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_follows_the_dashboard_to_the_methods_page(live_server, browser, organisation):
    register_hand_made_cases()
    make_user("methods_analyst", "analyst", organisation)
    dashboard = reverse("dashboard") + "?year=2010"
    page = browser.new_page(locale="en-GB")
    page.set_default_timeout(15000)
    log_in(page, live_server.url, "methods_analyst", dashboard)
    page.click("#methods-link")
    page.wait_for_url("**/dashboard/methods/")
    assert page.locator("h1").inner_text() == page.title().split(" · ")[0]
    protection = page.locator("#protection")
    assert protection.is_visible()
    assert "cell-key perturbation (table amparo-ckm-3" in protection.inner_text()
    assert "between p − 3 and p + 3" in protection.inner_text()
    bands = page.locator("#ages table").first.locator("tbody th")
    assert bands.all_inner_texts() == ["0-12", "13-17", "18-24", "25-34", "35+"]
    # Back where the reader came from.
    page.click(f"#main > p a[href='{reverse('dashboard')}']")
    page.wait_for_url(f"**{reverse('dashboard')}")
    page.close()
