"""End to end in Debian's Chromium: a case worker registers a case in which the mother recruited the
girl, tries to return her to the family and is blocked; a supervisor approves a documented safety
assessment; the placement starts and its follow-up visits appear at 1, 3, 6 and 12 months."""

import pytest

from amparo.registry.models import Case
from tests.chromium import browser, log_in  # noqa: F401  (the fixture)
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_out(page):
    page.click("form[action='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def test_a_family_return_is_blocked_until_a_supervisor_approves(live_server, browser, organisation):
    worker = make_user("flow_case_worker", "case_worker", organisation)
    make_user("flow_supervisor", "supervisor", organisation)
    page = browser.new_page()
    page.set_default_timeout(15000)

    # The case worker registers the case: the mother (a parent, living in the household) recruited the girl.
    log_in(page, live_server.url, "flow_case_worker", "/cases/new/")
    page.fill("#id_source_record_id", "FLOW-1")
    page.fill("#id_registration_date", "2024-03-01")
    page.check("input[name=exploitation_types][value=SexualExploitation]")
    page.select_option("#id_gender", "Feminine")
    page.fill("#id_age_when_trafficked", "13")
    page.select_option("#id_perpetrators-0-relationship", "parent")
    page.check("#id_perpetrators-0-lives_in_household")
    page.fill("#id_perpetrators-0-identity_number", "45556666")
    page.select_option("#id_events-0-event_type", "Exploitation")
    page.select_option("#id_events-0-department", "15")
    page.select_option("#id_events-0-province", "1501")  # options arrive through htmx
    page.select_option("#id_events-0-district", "150132")
    page.click("form.case-form > button[type=submit]:not(.visually-hidden)")
    page.wait_for_load_state()
    case = Case.objects.get(source_record_id="FLOW-1")
    assert case.owner == worker and case.family_facilitated and case.district_code == "150132"

    # Returning her to the parents is blocked, whether as a plan or as a direct placement.
    care_url = f"{live_server.url}/cases/{case.pk}/care/"
    page.goto(care_url)
    assert page.locator(".badge.family").first.is_visible()
    page.select_option("#id_destination_type", "parents")
    page.fill("#id_caregiver_first_name", "Padre")
    page.click("form[action$='/care/plans/'] button[type=submit]")
    page.wait_for_url(care_url)
    assert page.locator("article.plan-awaiting_approval").count() == 1
    assert page.locator("form[action$='/placement/']").count() == 0
    page.select_option("#id_arrangement-arrangement_type", "parents")
    page.click("form[action$='/care/arrangements/'] button[type=submit]")
    page.wait_for_load_state()
    refusal = page.locator("form[action$='/care/arrangements/'] .form-errors")  # beside the form that asked
    assert refusal.count() == 1 and "supervisor" in refusal.inner_text()
    assert page.locator("#arrangements table").count() == 0
    _log_out(page)

    # A supervisor, who is not the case worker, approves a documented safety assessment.
    log_in(page, live_server.url, "flow_supervisor", f"/cases/{case.pk}/care/")
    page.fill(
        "form[action$='/decision/'] textarea",
        "Home visit: the mother left the household under a protection order; "
        "the father and the school were interviewed.",
    )
    page.check("form[action$='/decision/'] input[type=radio][value=approve]")
    page.click("form[action$='/decision/'] button[type=submit]")
    page.wait_for_url(care_url)
    assert page.locator("article.plan-ready").count() == 1

    # The placement starts and the follow-up schedule appears.
    page.fill("form[action$='/placement/'] input[type=date]", "2024-01-31")
    page.click("form[action$='/placement/'] button[type=submit]")
    page.wait_for_url(care_url)
    assert page.locator("article.plan-placed").count() == 1
    rows = page.locator("#follow-ups tbody tr")
    assert rows.count() == 4
    months = [rows.nth(i).locator("td").nth(0).inner_text().strip() for i in range(4)]
    due = [rows.nth(i).locator("td").nth(1).inner_text().strip()[:10] for i in range(4)]
    assert months == ["1", "3", "6", "12"]
    assert due == ["2024-02-29", "2024-04-30", "2024-07-31", "2025-01-31"]  # month ends, leap year


def test_the_case_form_adds_rows_without_losing_what_was_typed_and_enter_saves(live_server, browser, organisation):
    make_user("rows_registrar", "registrar", organisation)
    page = browser.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server.url, "rows_registrar", "/cases/new/")
    page.fill("#id_source_record_id", "ROWS-1")
    page.fill("#id_registration_date", "2024-03-01")
    page.select_option("#id_perpetrators-0-relationship", "parent")
    page.select_option("#id_perpetrators-1-relationship", "uncle_aunt")
    page.click("button[name=add_row][value=perpetrators]")
    page.wait_for_selector("#id_perpetrators-2-relationship")
    assert page.input_value("#id_source_record_id") == "ROWS-1"
    assert page.input_value("#id_perpetrators-1-relationship") == "uncle_aunt"
    assert not Case.objects.exists()
    page.select_option("#id_perpetrators-2-relationship", "grandparent")
    page.press("#id_source_record_id", "Enter")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(source_record_id="ROWS-1")
    assert sorted(case.perpetrators.values_list("relationship", flat=True)) == ["grandparent", "parent", "uncle_aunt"]
    page.close()
