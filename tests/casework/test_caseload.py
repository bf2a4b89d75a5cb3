"""The case worker's caseload: their own cases, where each stands, the child's name for those who may see it."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from amparo.audit.models import AuditAction, AuditEvent
from amparo.casework import care_services
from amparo.casework.domain.follow_ups import VisitState, visit_state
from amparo.registry.services import case_register
from tests.casework.conftest import family_record
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_a_visit_is_overdue_due_soon_scheduled_or_done():
    today = date(2025, 3, 10)
    assert visit_state(date(2025, 3, 9), None, today) == VisitState.OVERDUE
    assert visit_state(date(2025, 3, 10), None, today) == VisitState.DUE_SOON
    assert visit_state(date(2025, 4, 9), None, today) == VisitState.DUE_SOON  # 30 days ahead
    assert visit_state(date(2025, 4, 10), None, today) == VisitState.SCHEDULED
    assert visit_state(date(2025, 3, 1), date(2025, 3, 2), today) == VisitState.DONE


@pytest.fixture
def placed(family_case, other_case, case_worker):
    """The family case placed in a shelter four months ago (its 1- and 3-month visits overdue); a plan to return
    the girl to her mother, held for a supervisor; the other case has nothing yet."""
    started = timezone.localdate() - relativedelta(months=4)
    care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="residential_care", started_on=started
    )
    care_services.plan_propose(case=family_case, user=case_worker, destination_type="parents")
    return started


def _page(client, user) -> str:
    return client(user).get(reverse("casework-caseload"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _rows(body: str) -> list[str]:
    return body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_the_caseload_lists_the_workers_cases_as_they_stand(placed, family_case, other_case, case_worker, client_as):
    body = _page(client_as, case_worker)
    family, other = _rows(body)  # the case with a visit due comes first
    assert ">FAM-1<" in family and ">EMP-1<" in other
    assert "Chaska Inquill Prueba" in family
    born = date(2011, 5, 4)
    assert f'<td class="num">{relativedelta(timezone.localdate(), born).years}</td>' in family
    assert "Residential care centre" in family and (placed + relativedelta(months=1)).isoformat() in family
    assert 'class="badge overdue">overdue<' in family
    assert "Blocked: awaiting a supervisor" in family
    assert "none" in other and "no plan" in other and "—" in other


def test_each_child_named_on_the_caseload_is_an_audited_view(family_case, other_case, case_worker, client_as):
    client_as(case_worker).get(reverse("casework-caseload"))
    viewed = AuditEvent.objects.filter(user=case_worker, action=AuditAction.VIEW_IDENTITY)
    # The other case's victim has no identity recorded: nothing was shown, nothing is logged.
    assert list(viewed.values_list("object_id", flat=True)) == [str(family_case.pk)]


def test_the_caseload_holds_only_the_users_own_cases(family_case, organisation, supervisor, case_worker, client_as):
    colleague = make_user("colleague_worker", "case_worker", organisation)
    case_register(record=family_record("FAM-2"), source=organisation, owner=colleague)
    mine = _page(client_as, case_worker)
    assert ">FAM-1<" in mine and ">FAM-2<" not in mine
    # A supervisor sees the organisation's cases, but their caseload is what they own.
    body = _page(client_as, supervisor)
    assert ">FAM-1<" not in body and ">FAM-2<" not in body and "No case is yours yet" in body


def test_roles_without_casework_have_no_caseload(registrar, analyst, client_as):
    assert client_as(registrar).get(reverse("casework-caseload")).status_code == 403
    assert client_as(analyst).get(reverse("casework-caseload")).status_code == 403


def test_the_navigation_leads_case_workers_to_their_caseload(case_worker, registrar, client_as):
    link = f'href="{reverse("casework-caseload")}"'
    assert link in client_as(case_worker).get(reverse("case-list")).content.decode()
    assert link not in client_as(registrar).get(reverse("case-list")).content.decode()


def test_a_visit_made_leaves_the_next_one_pending(placed, family_case, case_worker, client_as):
    first = family_case.follow_up_visits.order_by("due_on").first()
    care_services.follow_up_record(visit=first, user=case_worker, visited_on=timezone.localdate(), outcome="stable")
    family = _rows(_page(client_as, case_worker))[0]
    assert (placed + relativedelta(months=3)).isoformat() in family
    assert (placed + relativedelta(months=1)).isoformat() not in family


def test_a_child_without_a_birth_date_shows_the_age_when_trafficked(organisation, case_worker, client_as):
    record = family_record("FAM-3")
    record.victim.birthdate = None
    case_register(record=record, source=organisation, owner=case_worker)
    body = _page(client_as, case_worker)
    assert "12 when trafficked" in body
