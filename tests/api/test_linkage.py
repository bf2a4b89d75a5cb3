"""The linked victim of each case, through /api/v1/cases?linkage=true: only to roles that review record linkage
(the capability table's LINK), counted within the caller's scope."""

from datetime import date

import pytest

from amparo.audit.models import AuditAction, AuditEvent
from amparo.linkage.models import ClusterMembership, LinkageRun
from amparo.registry.records import CaseRecord, EventRecord, PersonRecord
from amparo.registry.services import case_register
from tests.api.conftest import Caller, api_client

pytestmark = pytest.mark.django_db


def _case(source, record_id: str):
    record = CaseRecord(
        record_id,
        date(2024, 5, 6),
        victim=PersonRecord("Feminine", "PE"),
        events=[EventRecord("Exploitation", "150101")],
    )
    return case_register(record=record, source=source)


@pytest.fixture
def linked(organisation, outsider_organisation):
    """Our N-1 and the prosecutors' P-1 are one victim (V1) by a linkage run; our N-2 was linked to nobody."""
    ours, second = _case(organisation, "N-1"), _case(organisation, "N-2")
    theirs = _case(outsider_organisation, "P-1")
    run = LinkageRun.objects.create(model={}, link_threshold=0.9, review_threshold=0.5, code_version="test")
    ClusterMembership.objects.bulk_create(
        [ClusterMembership(person_id=case.victim_id, cluster_key="V1", run=run) for case in (ours, theirs)]
    )
    return {"N-1": ours, "N-2": second, "P-1": theirs}


def _linked_victims(caller) -> dict:
    response = caller.get("/cases", linkage="true")
    assert response.status_code == 200, response.content
    return {item["source_record_id"]: item["linked_victim"] for item in response.json()["items"]}


def test_a_data_manager_of_every_case_sees_each_cases_linked_victim_and_all_its_cases(organisation, linked):
    _client, token = api_client(organisation, "data_manager", "ngo-all", scope="all")
    caller = Caller(token)
    assert _linked_victims(caller) == {
        "N-1": {"key": "V1", "cases": 2},  # N-1 and the prosecutors' P-1
        "P-1": {"key": "V1", "cases": 2},
        "N-2": {"key": None, "cases": 1},  # linked to nobody
    }
    one = caller.get(f"/cases/{linked['P-1'].pk}", linkage="true").json()
    assert one["linked_victim"] == {"key": "V1", "cases": 2}
    assert caller.get(f"/cases/{linked['P-1'].pk}").json()["linked_victim"] is None  # only when asked for


def test_cases_outside_the_callers_scope_are_not_counted(manager_api, linked):
    """A data manager of the organisation's cases: the prosecutors' P-1 is neither listed nor counted."""
    assert _linked_victims(manager_api) == {
        "N-1": {"key": "V1", "cases": 1},
        "N-2": {"key": None, "cases": 1},
    }
    assert manager_api.get(f"/cases/{linked['P-1'].pk}", linkage="true").status_code == 404


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor", "analyst"])
def test_roles_that_do_not_review_linkage_are_refused_it(organisation, linked, role):
    _client, token = api_client(organisation, role, f"ngo-{role.replace('_', '-')}")
    caller = Caller(token, HTTP_ACCEPT_LANGUAGE="en")
    for path in ("/cases", f"/cases/{linked['N-1'].pk}"):
        response = caller.get(path, linkage="true")
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert "V1" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, details__linkage=True).exists()


def test_each_read_of_linkage_is_audited_with_the_client(organisation, linked):
    _client, token = api_client(organisation, "administrator", "ngo-admin")
    Caller(token).get("/cases", linkage="true")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, details__linkage=True).get()
    assert (event.username, event.details["client"], event.details["cases"]) == ("api.ngo-admin", "ngo-admin", 3)
