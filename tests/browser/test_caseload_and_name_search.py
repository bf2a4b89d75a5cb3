"""In Debian's Chromium, in Spanish and in English: a case worker opens their caseload from the navigation,
finds a child by name written with a typo and without accents, and prints the case's summary."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from amparo.casework import care_services
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import case_register
from tests.chromium import browser, log_in  # noqa: F401  (the fixture)
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(source_record_id: str, given: str, surnames: str) -> CaseRecord:
    return CaseRecord(
        source_record_id=source_record_id,
        registration_date=date(2024, 2, 1),
        victim=PersonRecord("Feminine", "PE", given, surnames, date(2011, 5, 4)),
        exploitation_types=["SexualExploitation"],
        age_when_trafficked=12,
        perpetrators=[PerpetratorRecord("uncle_aunt", True)],
        events=[EventRecord("Exploitation", "150132", date=date(2024, 1, 10))],
    )


@pytest.fixture
def caseload(organisation):
    """A case worker's two cases, the first placed four months ago (its first visits overdue), and a colleague's."""
    worker = make_user("browser_case_worker", "case_worker", organisation)
    colleague = make_user("browser_colleague", "case_worker", organisation)
    placed = case_register(record=_record("CL-1", "Ñusta Yesenia", "Huamán Ccori"), source=organisation, owner=worker)
    case_register(record=_record("CL-2", "Rosa", "Quispe Mamani"), source=organisation, owner=worker)
    case_register(record=_record("CL-3", "Ñusta", "Huamán Apaza"), source=organisation, owner=colleague)
    care_services.care_arrangement_start(
        case=placed,
        user=worker,
        arrangement_type="foster_family",
        started_on=timezone.localdate() - relativedelta(months=4),
    )
    return placed


@pytest.mark.parametrize(
    "locale, language, foster, every_place",
    [("en-GB", "en", "Foster family", "Clear"), ("es-PE", "es", "Familia acogedora", "Limpiar")],
)
def test_a_case_worker_opens_the_caseload_and_finds_a_child_by_name(
    live_server, browser, caseload, locale, language, foster, every_place
):
    page = browser.new_page(locale=locale)
    page.set_default_timeout(15000)
    page.set_default_navigation_timeout(60000)  # the first page of a new live server, on a busy machine
    log_in(page, live_server.url, "browser_case_worker", "/cases/")
    assert page.locator("html").get_attribute("lang") == language

    # The caseload, from the navigation: both of the worker's cases, the colleague's not.
    page.click("nav a[href='/casework/caseload/']")
    page.wait_for_url("**/casework/caseload/")
    rows = page.locator("table.caseload tbody tr")
    assert rows.count() == 2
    first = rows.nth(0)  # the case with a visit due comes first
    assert "CL-1" in first.inner_text() and "Ñusta Yesenia Huamán Ccori" in first.inner_text()
    assert foster in first.inner_text()
    assert first.locator(".badge.overdue").count() == 1
    assert "CL-3" not in page.locator("table.caseload").inner_text()

    # The case list's search: given name without its accent, one surname with a letter missing.
    page.goto(f"{live_server.url}/cases/")
    page.fill("#id_q", "nusta human")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/cases/?*")
    found = page.locator("main table tbody tr")
    assert found.count() == 1  # the colleague's Ñusta Huamán is outside this worker's scope
    assert "CL-1" in found.inner_text() and "Ñusta Yesenia Huamán Ccori" in found.inner_text()
    assert page.locator(f"form[role=search] a:has-text('{every_place}')").count() == 1
    found.locator("a").first.click()
    page.wait_for_url(f"**/cases/{caseload.pk}/")

    # The case's summary prints without the navigation.
    page.goto(f"{live_server.url}/cases/{caseload.pk}/summary/")
    assert "Ñusta Yesenia Huamán Ccori" in page.locator(".case-summary").inner_text()
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".case-summary").is_visible() and not page.locator(".case-summary .screen-only").is_visible()
