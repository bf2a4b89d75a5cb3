"""The admin shows casework records but cannot write them: the services and their rule are the only way in."""

import pytest
from django.urls import reverse

from amparo.casework import care_services
from amparo.casework.models import ReintegrationPlan
from tests.personas import logged_in_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(organisation):
    return logged_in_client(make_user("root_admin", "administrator", organisation, is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    "model",
    [
        "reintegrationplan",
        "safetyapproval",
        "carearrangement",
        "followupvisit",
        "referral",
        "familyassessment",
        "caseeditconflict",
    ],
)
def test_the_admin_cannot_add_casework_records(superuser_client, model):
    assert superuser_client.get(reverse(f"admin:casework_{model}_add")).status_code == 403
    assert superuser_client.post(reverse(f"admin:casework_{model}_add"), {}).status_code == 403


def test_the_admin_cannot_change_or_delete_a_plan(superuser_client, family_case, case_worker):
    plan = care_services.plan_propose(case=family_case, user=case_worker, destination_type="parents")
    response = superuser_client.post(
        reverse("admin:casework_reintegrationplan_change", args=[plan.pk]), {"status": "ready"}
    )
    assert response.status_code == 403
    response = superuser_client.post(
        reverse("admin:casework_reintegrationplan_delete", args=[plan.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ReintegrationPlan.objects.get().status == ReintegrationPlan.Status.AWAITING_APPROVAL
