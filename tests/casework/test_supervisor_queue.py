"""The supervisor's work: the queue of plans awaiting their decision and its count in the navigation, the
caregiver's identity shown to the people who propose and decide a plan (and audited), a refused plan closed,
and refusals shown beside the form that asked."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from amparo.audit.models import AuditEvent
from amparo.casework import care_services
from amparo.casework.care_services import ReintegrationRefused
from amparo.casework.domain.reintegration import Reason
from amparo.casework.models import ReintegrationPlan, SafetyApproval
from amparo.casework.selectors import plans_awaiting_decision
from amparo.registry.records import PersonRecord
from amparo.registry.services import case_register
from tests.personas import make_user

from .conftest import family_record

pytestmark = pytest.mark.django_db
ASSESSMENT = "Two home visits; the mother left the household under a protection order."
GRANDMOTHER = PersonRecord(first_name="Eulalia", second_name="Cusirramos Prueba", identity_number="42223333")


def _propose(case, user, destination="kinship", caregiver=None, relationship=""):
    return care_services.plan_propose(
        case=case, user=user, destination_type=destination, caregiver=caregiver, caregiver_relationship=relationship
    )


@pytest.fixture
def queue_fixture(organisation, outsider_organisation, case_worker, supervisor, second_supervisor, outsider):
    """Plans of every kind, with the cases whose plans await `supervisor`'s decision stated by hand."""

    def case(code, owner, source=organisation):
        return case_register(record=family_record(code), source=source, owner=owner)

    waiting_1 = _propose(case("Q-WAIT-1", case_worker), case_worker, "kinship", GRANDMOTHER, "grandparent")
    waiting_2 = _propose(case("Q-WAIT-2", case_worker), case_worker, "parents")
    _propose(case("Q-FOSTER", case_worker), case_worker, "foster_family")  # ready at once: nothing to decide
    _propose(case("Q-OWN-PROPOSAL", case_worker), supervisor, "parents")  # proposed by the supervisor
    _propose(case("Q-OWNED", supervisor), second_supervisor, "parents")  # the supervisor owns the case
    refused = _propose(case("Q-REFUSED", case_worker), case_worker, "parents")
    care_services.plan_decide(plan=refused, approver=second_supervisor, assessment=ASSESSMENT, approve=False)
    approved = _propose(case("Q-APPROVED", case_worker), case_worker, "parents")
    care_services.plan_decide(plan=approved, approver=second_supervisor, assessment=ASSESSMENT, approve=True)
    placed_case = case("Q-PLACED", case_worker)
    placed = _propose(placed_case, case_worker, "parents")
    care_services.plan_decide(plan=placed, approver=second_supervisor, assessment=ASSESSMENT, approve=True)
    care_services.care_arrangement_start(
        case=placed_case, user=case_worker, arrangement_type="parents", started_on=date(2024, 3, 1), plan=placed
    )
    outsider_worker = make_user("outsider_worker", "case_worker", outsider_organisation)
    _propose(case("Q-OTHER-ORG", outsider_worker, outsider_organisation), outsider_worker, "parents")
    return {"plans": [waiting_1, waiting_2], "codes": ["Q-WAIT-1", "Q-WAIT-2"]}


def test_the_queue_holds_exactly_the_plans_awaiting_this_supervisors_decision(queue_fixture, supervisor):
    queue = plans_awaiting_decision(supervisor)
    assert [plan.case.source_record_id for plan in queue] == queue_fixture["codes"]  # oldest first


def test_the_outsider_supervisor_sees_only_their_organisations_plan(queue_fixture, outsider):
    assert [plan.case.source_record_id for plan in plans_awaiting_decision(outsider)] == ["Q-OTHER-ORG"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_the_queue_reads_the_plans_and_looks_up_their_cases_not_the_whole_scope(queue_fixture, supervisor):
    """The queue's count is on every page a supervisor opens: asked as `case IN (cases in scope)`, SQLite first
    lists every case of the organisation (a third of a second at 260,000 cases)."""
    with CaptureQueriesContext(connection) as queries:
        plans_awaiting_decision(supervisor)
    plan_query = next(q["sql"] for q in queries.captured_queries if "casework_reintegrationplan" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + plan_query)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    assert "SEARCH registry_case USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert not any("SUBQUERY" in step or step.startswith("SCAN registry_case") for step in plan), plan


@pytest.mark.parametrize("role", ["registrar", "case_worker", "data_manager", "analyst", "administrator"])
def test_roles_that_may_not_approve_have_no_queue(queue_fixture, personas, client_as, role):
    assert plans_awaiting_decision(personas[role]) == []
    assert client_as(personas[role]).get(reverse("casework-queue")).status_code == 403


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_queue_page_and_the_navigation_show_the_same_count(queue_fixture, supervisor, client_as, language):
    response = client_as(supervisor).get(reverse("casework-queue"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    rows = re.findall(r'<tr class="queued-plan">\s*<td>([^<]+)</td>', page)
    assert rows == queue_fixture["codes"]
    with translation.override(language):
        label = translation.gettext("Plans to decide")
    assert re.search(rf'{re.escape(label)} <span class="nav-count">2</span>', page)
    for plan in queue_fixture["plans"]:
        assert f'href="{reverse("casework-case", args=[plan.case_id])}#plan-{plan.pk}"' in page


def test_the_count_follows_a_decision(queue_fixture, supervisor, client_as):
    care_services.plan_decide(plan=queue_fixture["plans"][0], approver=supervisor, assessment=ASSESSMENT, approve=True)
    page = client_as(supervisor).get(reverse("dashboard")).content.decode()
    assert '<span class="nav-count">1</span>' in page


def test_other_roles_see_no_count(queue_fixture, case_worker, client_as):
    assert "nav-count" not in client_as(case_worker).get(reverse("dashboard")).content.decode()


# --- The caregiver's identity ------------------------------------------------------------------------------


def _care_page(client, case):
    return client.get(reverse("casework-case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _caregiver_views(case):
    return AuditEvent.objects.filter(
        action="view_identity", object_type="registry.Case", object_id=str(case.pk), details__person="caregiver"
    )


@pytest.fixture
def family_case_with_plan(family_case, case_worker):
    plan = _propose(family_case, case_worker, "kinship", GRANDMOTHER, "grandparent")
    return family_case, plan


def test_the_caregiver_is_shown_to_the_proposer_and_the_deciding_supervisor_and_each_view_audited(
    family_case_with_plan, case_worker, supervisor, client_as
):
    case, plan = family_case_with_plan
    for viewer, views in ((case_worker, 1), (supervisor, 2)):
        page = _care_page(client_as(viewer), case)
        assert "Eulalia Cusirramos Prueba" in page and "42223333" in page
        assert "Grandparent" in page
        audited = _caregiver_views(case)
        assert audited.count() == views
        assert audited.order_by("-id").first().username == viewer.username
        assert audited.order_by("-id").first().details == {"person": "caregiver", "plan": plan.pk}


def test_nobody_else_sees_the_caregiver(family_case_with_plan, supervisor, administrator, second_supervisor, client_as):
    case, plan = family_case_with_plan
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    for viewer in (administrator, second_supervisor, supervisor):  # once decided, no supervisor decides it
        page = _care_page(client_as(viewer), case)
        assert "Eulalia" not in page and "42223333" not in page
        assert "recorded (identity sealed)" in page and "Grandparent" in page
    assert not _caregiver_views(case).exists()


def test_the_relationship_is_recorded_checked_and_audited(family_case, case_worker):
    plan = _propose(family_case, case_worker, "kinship", GRANDMOTHER, "grandparent")
    plan.refresh_from_db()
    assert plan.caregiver_relationship == "grandparent"
    created = AuditEvent.objects.get(action="create", object_type="casework.ReintegrationPlan")
    assert created.details["caregiver_relationship"] == "grandparent"
    with pytest.raises(ValueError, match="cousin-in-law"):
        _propose(family_case, case_worker, "kinship", GRANDMOTHER, "cousin-in-law")


# --- A refused plan is closed; refusals beside their form --------------------------------------------------


def _decision(plan, decision="approve"):
    return {f"plan{plan.pk}-assessment": ASSESSMENT, f"plan{plan.pk}-decision": decision}


def _element(page: str, start: str, end: str) -> str:
    """The part of the page from the first `start` to the `end` after it."""
    at = page.index(start)
    return page[at : page.index(end, at)]


def test_a_refused_plan_offers_no_decision_and_refuses_one_posted(
    family_case_with_plan, supervisor, second_supervisor, client_as
):
    case, plan = family_case_with_plan
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=False)
    decide = reverse("casework-plan-decide", args=[plan.pk])
    client = client_as(second_supervisor)
    page = _care_page(client, case)
    assert f'action="{decide}"' not in page
    response = client.post(decide, _decision(plan), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert SafetyApproval.objects.filter(plan=plan).count() == 1
    plan.refresh_from_db()
    assert plan.status == ReintegrationPlan.Status.REFUSED
    with translation.override("en"):
        refusal = escape(str(care_services.REASON_MESSAGES[Reason.PLAN_CLOSED]))
    article = _element(response.content.decode(), f'id="plan-{plan.pk}"', "</article>")
    assert refusal in article
    refused = AuditEvent.objects.filter(action="refuse", object_id=str(plan.pk), details__reason="plan_closed")
    assert refused.count() == 1 and refused.get().username == second_supervisor.username


def test_the_service_refuses_to_decide_a_refused_plan(family_case_with_plan, supervisor, second_supervisor):
    _case, plan = family_case_with_plan
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=False)
    with pytest.raises(ReintegrationRefused) as refused:
        care_services.plan_decide(plan=plan, approver=second_supervisor, assessment=ASSESSMENT, approve=True)
    assert refused.value.reason == Reason.PLAN_CLOSED


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_refused_placement_is_shown_beside_its_form(family_case, case_worker, client_as, language):
    response = client_as(case_worker).post(
        reverse("casework-arrangement-create", args=[family_case.pk]),
        {"arrangement-arrangement_type": "parents", "arrangement-started_on": "2024-03-01"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 409
    with translation.override(language):
        refusal = escape(str(care_services.REASON_MESSAGES[Reason.FAMILY_RETURN_NEEDS_APPROVAL]))
    page = response.content.decode()
    form = _element(page, f'action="{reverse("casework-arrangement-create", args=[family_case.pk])}"', "</form>")
    assert refusal in form and 'role="alert"' in form
    assert page.count(refusal) == 1  # not repeated at the top of the page
    assert "autofocus" in form


def test_a_refused_approval_is_shown_in_its_plan(family_case_with_plan, case_worker, client_as):
    case, plan = family_case_with_plan
    response = client_as(case_worker).post(
        reverse("casework-plan-decide", args=[plan.pk]), _decision(plan), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    with translation.override("en"):
        refusal = escape(str(care_services.REASON_MESSAGES[Reason.APPROVER_NOT_SUPERVISOR]))
    assert refusal in _element(response.content.decode(), f'id="plan-{plan.pk}"', "</article>")
