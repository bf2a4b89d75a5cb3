"""The API's documentation page, rendered in Debian's Chromium, offline: every operation is listed and
nothing is refused by the Content-Security-Policy."""

import pytest

from tests.chromium import browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_renders(live_server, browser):
    page = browser.new_page()
    page.set_default_timeout(15000)
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    page.on("requestfailed", lambda request: refused.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock")
    assert page.locator("#swagger-ui .opblock").count() == 15
    assert "Amparo API" in page.locator("#swagger-ui .title").inner_text()
    assert page.locator("#swagger-ui .opblock-summary-path", has_text="/api/v1/cases/batch").count() == 1
    assert refused == []
