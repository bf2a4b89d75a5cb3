"""The review page: data managers compare the pairs the model is unsure of and decide; nobody else gets in."""

import pytest
from django.urls import reverse
from django.utils import translation

from amparo.audit.models import AuditAction, AuditEvent
from amparo.linkage.domain.linking import Thresholds
from amparo.linkage.models import PairDecision
from amparo.linkage.selectors import review_queue
from amparo.linkage.services import linkage_run
from amparo.registry.models import PersonIdentity

REVIEW_URL = "/linkage/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def queue(registered_sources, previous_run):
    """A run whose link threshold leaves many pairs to review."""
    linkage_run(thresholds=Thresholds(link=0.99999, review=0.5), retrain=False)
    pairs = list(review_queue())
    assert pairs
    return pairs


@pytest.mark.django_db
def test_a_data_manager_sees_both_records_side_by_side_with_the_evidence(queue, data_manager, client_as):
    response = client_as(data_manager).get(REVIEW_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    first = queue[0]
    for person in (first.first_id, first.second_id):
        identity = PersonIdentity.objects.get(person_id=person)
        assert identity.second_name in page
    assert "surnames" in page and "birth date" in page and "Match weight" in page
    assert f"{len(queue)}</dd>" in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_IDENTITY, user=data_manager).count() >= 2


@pytest.mark.django_db
def test_a_decision_from_the_page_is_kept_and_leaves_the_queue(queue, data_manager, client_as):
    pair = queue[0]
    url = reverse("linkage:decide", args=[pair.first_id, pair.second_id])
    response = client_as(data_manager).post(url, {"verdict": "reject"})
    assert response.status_code == 302 and response["Location"] == REVIEW_URL
    assert PairDecision.objects.get().verdict == "reject"
    assert pair.pk not in {p.pk for p in review_queue()}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["analyst", "registrar", "case_worker", "supervisor"])
def test_other_roles_may_neither_see_nor_decide(queue, persona, request, client_as):
    client = client_as(request.getfixturevalue(persona))
    assert client.get(REVIEW_URL).status_code == 403
    pair = queue[0]
    response = client.post(reverse("linkage:decide", args=[pair.first_id, pair.second_id]), {"verdict": "accept"})
    assert response.status_code == 403
    assert not PairDecision.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(REVIEW_URL)["Location"].startswith("/login/")


@pytest.mark.django_db
def test_deciding_needs_a_post(queue, data_manager, client_as):
    pair = queue[0]
    response = client_as(data_manager).get(reverse("linkage:decide", args=[pair.first_id, pair.second_id]))
    assert response.status_code == 405


@pytest.mark.django_db
def test_before_any_run_the_page_says_victims_are_unlinked_records(administrator, client_as):
    page = client_as(administrator).get(REVIEW_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No linkage has run yet: every count of victims is a count of unlinked records" in page
