"""End to end in Debian's Chromium: a supervisor finds the plans awaiting their decision through the count in
the navigation, opens one from the queue, reads who the caregiver is, decides, and the queue empties; a
refused plan offers no decision any more."""

import pytest

from amparo.casework import care_services
from amparo.casework.models import ReintegrationPlan
from amparo.registry.records import PersonRecord
from amparo.registry.services import case_register
from tests.casework.conftest import family_record
from tests.chromium import browser, log_in  # noqa: F401  (the fixture)
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_works_through_the_queue(live_server, browser, organisation):
    worker = make_user("queue_case_worker", "case_worker", organisation)
    make_user("queue_supervisor", "supervisor", organisation)
    plans = []
    for code, caregiver in (("QUEUE-1", "Eulalia"), ("QUEUE-2", "Saturnina")):
        case = case_register(record=family_record(code), source=organisation, owner=worker)
        plans.append(
            care_services.plan_propose(
                case=case,
                user=worker,
                destination_type="kinship",
                caregiver=PersonRecord(
                    first_name=caregiver, second_name="Prueba", identity_number="4222333" + code[-1]
                ),
                caregiver_relationship="grandparent",
            )
        )
    page = browser.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server.url, "queue_supervisor", "/")
    count = page.locator("a[href='/casework/queue/'] .nav-count")
    assert count.inner_text() == "2"

    page.click("a[href='/casework/queue/']")
    page.wait_for_url("**/casework/queue/")
    rows = page.locator("tr.queued-plan")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == ["QUEUE-1", "QUEUE-2"]

    # The oldest first: its caregiver is named, and the decision is taken on the care page.
    rows.first.locator("a.button").click()
    page.wait_for_url(f"**/cases/{plans[0].case_id}/care/#plan-{plans[0].pk}")
    plan = page.locator(f"#plan-{plans[0].pk}")
    assert plan.locator(".caregiver-identity").inner_text() == "Eulalia Prueba"
    plan.locator("textarea").fill("Two home visits; the mother left the household under a protection order.")
    plan.locator("input[type=radio][value=refuse]").check()
    plan.locator("button[type=submit]").click()
    page.wait_for_load_state()
    plan = page.locator(f"#plan-{plans[0].pk}")
    assert plan.get_attribute("class") == "plan plan-refused"
    assert plan.locator("form").count() == 0  # a refused plan offers no decision
    assert plan.locator(".caregiver-identity").count() == 0  # nor its caregiver, to a supervisor
    assert page.locator("a[href='/casework/queue/'] .nav-count").inner_text() == "1"

    page.click("a[href='/casework/queue/']")
    page.wait_for_url("**/casework/queue/")
    assert page.locator("tr.queued-plan td").first.inner_text() == "QUEUE-2"
    assert ReintegrationPlan.objects.get(pk=plans[0].pk).status == ReintegrationPlan.Status.REFUSED
    page.close()
