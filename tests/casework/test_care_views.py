"""The care pages: permissions per role per page, the rule enforced on direct posts, overdue alerts,
re-trafficking rates."""

from datetime import date, timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from amparo.casework import care_services
from amparo.casework.models import CareArrangement, FollowUpVisit, ReintegrationPlan, SafetyApproval
from amparo.core.record_keys import KEY_RANGE
from amparo.registry.models import Case
from amparo.registry.services import case_register
from tests.personas import make_user

from .conftest import MOTHER_DNI, family_record

pytestmark = pytest.mark.django_db
ASSESSMENT = "Checked with the school and the local DEMUNA; the father is the sole carer and was not involved."


def _decision(plan, decision="approve"):
    return {f"plan{plan.pk}-assessment": ASSESSMENT, f"plan{plan.pk}-decision": decision}


def _plan(case, user, destination="parents"):
    return care_services.plan_propose(case=case, user=user, destination_type=destination)


@pytest.mark.parametrize(
    "role, home, case_page",
    [
        ("case_worker", 200, 200),
        ("supervisor", 200, 200),
        ("administrator", 200, 200),
        ("registrar", 403, 404),  # the case is not in the registrar's own scope: it does not exist for them
        ("data_manager", 403, 403),
        ("analyst", 403, 403),
    ],
)
def test_care_pages_by_role(family_case, personas, client_as, role, home, case_page):
    client = client_as(personas[role])
    assert client.get(reverse("casework-home")).status_code == home
    assert client.get(reverse("casework-case", args=[family_case.pk])).status_code == case_page


@pytest.mark.parametrize(
    "role, expected",
    [
        ("case_worker", 200),
        ("supervisor", 200),
        ("administrator", 200),
        ("analyst", 200),
        ("data_manager", 200),
        ("registrar", 403),
    ],
)
def test_statistics_pages_by_role(personas, client_as, role, expected):
    client = client_as(personas[role])
    assert client.get(reverse("casework-statistics")).status_code == expected


def test_outsiders_never_reach_a_case_or_its_plans(family_case, case_worker, outsider, client_as):
    plan = _plan(family_case, case_worker)
    client = client_as(outsider)
    assert client.get(reverse("casework-case", args=[family_case.pk])).status_code == 404
    response = client.post(reverse("casework-plan-decide", args=[plan.pk]), _decision(plan))
    assert response.status_code == 404
    assert not SafetyApproval.objects.exists()


def test_posting_a_family_return_shows_it_blocked(family_case, case_worker, client_as):
    response = client_as(case_worker).post(
        reverse("casework-plan-create", args=[family_case.pk]), {"destination_type": "parents"}, follow=True
    )
    assert ReintegrationPlan.objects.get().status == ReintegrationPlan.Status.AWAITING_APPROVAL
    assert "plan-awaiting_approval" in response.content.decode()


def test_posting_a_placement_of_a_blocked_plan_is_refused(family_case, case_worker, client_as):
    plan = _plan(family_case, case_worker)
    response = client_as(case_worker).post(
        reverse("casework-plan-place", args=[plan.pk]), {f"plan{plan.pk}-started_on": "2024-03-01"}
    )
    assert response.status_code == 409
    assert not CareArrangement.objects.exists()


def test_posting_a_direct_family_placement_is_refused(family_case, case_worker, client_as):
    response = client_as(case_worker).post(
        reverse("casework-arrangement-create", args=[family_case.pk]),
        {"arrangement-arrangement_type": "kinship", "arrangement-started_on": "2024-03-01"},
    )
    assert response.status_code == 409
    assert not CareArrangement.objects.exists()


def test_the_case_worker_posting_an_approval_is_refused(family_case, case_worker, client_as):
    plan = _plan(family_case, case_worker)
    response = client_as(case_worker).post(reverse("casework-plan-decide", args=[plan.pk]), _decision(plan))
    assert response.status_code == 409
    assert not SafetyApproval.objects.exists()


def test_naming_the_perpetrator_as_caregiver_is_refused_on_the_page(family_case, case_worker, client_as):
    response = client_as(case_worker).post(
        reverse("casework-plan-create", args=[family_case.pk]),
        {"destination_type": "parents", "caregiver_identity_number": MOTHER_DNI},
    )
    assert response.status_code == 409
    assert not ReintegrationPlan.objects.exists()


def test_a_supervisor_approves_and_the_placement_schedules_visits(family_case, case_worker, supervisor, client_as):
    plan = _plan(family_case, case_worker)
    response = client_as(supervisor).post(reverse("casework-plan-decide", args=[plan.pk]), _decision(plan))
    assert response.status_code == 302
    response = client_as(case_worker).post(
        reverse("casework-plan-place", args=[plan.pk]), {f"plan{plan.pk}-started_on": "2024-03-15"}
    )
    assert response.status_code == 302
    due = list(FollowUpVisit.objects.order_by("due_on").values_list("due_on", flat=True))
    assert due == [date(2024, 4, 15), date(2024, 6, 15), date(2024, 9, 15), date(2025, 3, 15)]


def test_the_home_page_lists_overdue_and_upcoming_visits_of_my_cases(
    family_case, other_case, case_worker, organisation, client_as
):
    today = timezone.localdate()
    care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="residential_care", started_on=today - timedelta(days=100)
    )  # the 1- and 3-month visits are overdue
    someone_else = make_user("another_case_worker", "case_worker", organisation)
    hidden = case_register(record=family_record("HIDDEN-1"), source=organisation, owner=someone_else)
    care_services.care_arrangement_start(
        case=hidden, user=someone_else, arrangement_type="foster_family", started_on=today - timedelta(days=100)
    )
    response = client_as(case_worker).get(reverse("casework-home"))
    overdue = list(response.context["overdue"])
    expected_overdue = FollowUpVisit.objects.filter(case=family_case, due_on__lt=today).count()
    assert len(overdue) == expected_overdue >= 1
    assert all(v.case_id == family_case.pk for v in overdue)
    assert "HIDDEN-1" not in response.content.decode()


def _placement(case, user, arrangement_type, outcomes):
    arrangement = care_services.care_arrangement_start(
        case=case, user=user, arrangement_type=arrangement_type, started_on=date(2023, 1, 1)
    )
    for visit, outcome in zip(arrangement.visits.order_by("due_on"), outcomes):
        care_services.follow_up_record(visit=visit, user=user, visited_on=visit.due_on, outcome=outcome)


def test_retrafficking_rates_match_an_independent_count(organisation, case_worker, supervisor, client_as):
    fixture = [  # (family-facilitated, placement type, outcomes of its visits)
        (True, "residential_care", ["stable", "re_trafficked"]),
        (True, "residential_care", ["stable", "stable"]),
        (True, "foster_family", ["lost_contact"]),
        (False, "foster_family", ["re_trafficked", "re_trafficked"]),
        (False, "residential_care", []),  # never followed up: left out
        (False, "independent_living", ["stable"]),
    ]
    for i, (family, arrangement_type, outcomes) in enumerate(fixture):
        record = family_record(f"RATE-{i}")
        if not family:
            record.perpetrators = []
        case = case_register(record=record, source=organisation, owner=case_worker)
        _placement(case, case_worker, arrangement_type, outcomes)
    frame = pd.DataFrame(
        [(f, t, "re_trafficked" in o) for f, t, o in fixture if o], columns=["family", "type", "retrafficked"]
    )
    response = client_as(supervisor).get(reverse("casework-statistics"))
    tables = response.context["tables"]
    by_type = {r["key"]: (r["placements"], r["retrafficked"]) for r in tables["by_placement_type"]}
    expected = frame.groupby("type")["retrafficked"].agg(["count", "sum"])
    assert by_type == {t: (int(row["count"]), int(row["sum"])) for t, row in expected.iterrows()}
    by_family = {r["key"]: (r["placements"], r["retrafficked"]) for r in tables["by_family_facilitated"]}
    expected = frame.groupby("family")["retrafficked"].agg(["count", "sum"])
    assert by_family == {bool(f): (int(row["count"]), int(row["sum"])) for f, row in expected.iterrows()}


def test_casework_statistics_say_how_they_were_protected(analyst, case_worker, client_as):
    page = reverse("casework-statistics")
    protected = client_as(analyst).get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Protected by cell-key perturbation (table amparo-ckm-3" in protected
    exact = client_as(case_worker).get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Exact figures, not protected: not for publication." in exact
    assert "Cifras exactas" in client_as(case_worker).get(page, HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_only_a_supervisor_the_two_person_rule_admits_is_offered_the_decision(
    family_case, case_worker, supervisor, second_supervisor, client_as
):
    plan = _plan(family_case, supervisor)  # proposed by a supervisor, who may not decide on it
    form_action = f'action="{reverse("casework-plan-decide", args=[plan.pk])}"'
    assert (
        form_action not in client_as(supervisor).get(reverse("casework-case", args=[family_case.pk])).content.decode()
    )
    assert (
        form_action not in client_as(case_worker).get(reverse("casework-case", args=[family_case.pk])).content.decode()
    )
    assert (
        form_action
        in client_as(second_supervisor).get(reverse("casework-case", args=[family_case.pk])).content.decode()
    )


def test_the_care_page_marks_the_visits_overdue_by_the_one_rule(family_case, case_worker, client_as):
    today = timezone.localdate()
    arrangement = care_services.care_arrangement_start(
        case=family_case, user=case_worker, arrangement_type="foster_family", started_on=today - timedelta(days=100)
    )
    first = arrangement.visits.order_by("due_on").first()
    care_services.follow_up_record(visit=first, user=case_worker, visited_on=today, outcome="stable")
    visits = client_as(case_worker).get(reverse("casework-case", args=[family_case.pk])).context["visits"]
    expected = [v.visited_on is None and v.due_on < today for v in FollowUpVisit.objects.order_by("due_on", "id")]
    assert [v.overdue for v in visits] == expected and expected.count(True) == 1


@pytest.mark.parametrize(
    "key_position, shown",
    [
        # amparo-ckm-3 moves a count of 1 by -1, 0, +1, +2, +3 for keys in [0, .45), [.45, .655), [.655, .905), ...
        (0.0, []),  # shown as 0 placements: the row is not listed
        (0.5, [("foster_family", 1, 1)]),
        (0.7, [("foster_family", 2, 2)]),
    ],
)
def test_re_trafficking_figures_are_perturbed_by_the_case_key_for_analysts_not_for_the_case_worker(
    family_case, case_worker, analyst, client_as, key_position, shown
):
    Case.objects.filter(pk=family_case.pk).update(record_key=int(key_position * KEY_RANGE))
    _placement(family_case, case_worker, "foster_family", ["re_trafficked"])
    exact = client_as(case_worker).get(reverse("casework-statistics")).context["tables"]["by_placement_type"]
    assert [(r["key"], r["placements"], r["retrafficked"], r["rate"]) for r in exact] == [("foster_family", 1, 1, 1.0)]
    for _ in range(2):  # the same placements show the same figures every time
        protected = client_as(analyst).get(reverse("casework-statistics")).context["tables"]["by_placement_type"]
        assert [(r["key"], r["placements"], r["retrafficked"]) for r in protected] == shown


def test_the_placement_form_is_offered_only_once_the_rule_allows_the_placement(
    family_case, case_worker, supervisor, client_as
):
    plan = _plan(family_case, case_worker)
    page = reverse("casework-case", args=[family_case.pk])
    form_action = f'action="{reverse("casework-plan-place", args=[plan.pk])}"'
    assert form_action not in client_as(case_worker).get(page).content.decode()
    care_services.plan_decide(plan=plan, approver=supervisor, assessment=ASSESSMENT, approve=True)
    assert form_action in client_as(case_worker).get(page).content.decode()
