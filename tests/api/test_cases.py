"""Cases in and out through /api/v1/: the importer's checks, all or nothing, idempotent re-sends, scope."""

import pytest

from amparo.exchange.models import CaseProvenance, ImportBatch
from amparo.registry.models import Case
from tests.api.conftest import Caller, api_client, case

pytestmark = pytest.mark.django_db


def test_a_case_sent_twice_is_stored_once_and_a_change_updates_it(manager_api, organisation):
    first = manager_api.post("/cases", case("NGO-1", exploitation_ubigeo="150101"))
    assert first.status_code == 200, first.content
    assert (first.json()["created"], first.json()["updated"], first.json()["unchanged"]) == (1, 0, 0)
    stored = Case.objects.get(source_organisation=organisation, source_record_id="NGO-1")
    assert first.json()["cases"] == [{"index": 0, "id": stored.pk, "action": "created"}]
    assert (stored.department_code, stored.age_when_trafficked, stored.victim.gender) == ("15", 15, "Feminine")

    again = manager_api.post("/cases", case("NGO-1", exploitation_ubigeo="150101"))
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 1)
    changed = manager_api.post("/cases", case("NGO-1", exploitation_ubigeo="080101"))
    assert changed.json()["cases"] == [{"index": 0, "id": stored.pk, "action": "updated"}]
    assert Case.objects.count() == 1
    stored.refresh_from_db()
    assert stored.department_code == "08"
    # Each send is a provenance batch, as an import is, recorded with the client's account.
    assert ImportBatch.objects.filter(user__username="api.ngo-data").count() == 3
    assert CaseProvenance.objects.filter(case=stored).count() == 2


def test_htcds_names_are_read_as_the_importer_reads_them(manager_api):
    response = manager_api.post(
        "/cases/batch",
        {
            "format": "htcds",
            "cases": [
                {
                    "cas_CaseId": "H-1",
                    "cas_RegistrationDate": "2024-01-02",
                    "prs_Gender": "Masculine",
                    "vic_AgeWhenTrafficked": 17,
                    "vic_TypeOfExploitation": ["ForcedLabour"],
                }
            ],
        },
    )
    assert response.status_code == 200, response.content
    stored = Case.objects.get(source_record_id="H-1")
    assert (stored.age_when_trafficked, stored.victim.gender) == (17, "Masculine")
    assert list(stored.coded_values.values_list("code", flat=True)) == ["ForcedLabour"]


def test_one_bad_case_rejects_the_whole_batch_naming_each_problem(manager_api):
    response = manager_api.post(
        "/cases/batch",
        {"cases": [case("B-1"), case("B-2", age=200), case("B-3", registration_date="someday")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["type"] == "urn:amparo:problem:rejected-cases"
    assert {(e["index"], e["field"], e["value"]) for e in problem["errors"]} == {
        (1, "age", "200"),
        (2, "registration_date", "someday"),
    }
    age = next(e for e in problem["errors"] if e["field"] == "age")
    assert age["expected"] == "a whole number of years from 0 to 120"
    assert Case.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_problems_speak_the_language_of_the_request(manager_api):
    response = manager_api.post("/cases", case("E-1", age="muchos"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 422
    assert response.json()["errors"][0]["expected"] != "a whole number of years from 0 to 120"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"cases": [case("U-1", colour="blue")]}, 422, "colour"),  # a field no format knows
        ({"cases": "B-1"}, 422, "cases"),  # wrong type
        ({"cases": [case(f"O-{i}") for i in range(501)]}, 422, "cases"),  # over the documented maximum
        ({"cases": []}, 422, "cases"),
        ({"cases": [case("X-1")], "extra": 1}, 422, "extra"),  # an unknown member of the batch
    ],
)
def test_bad_input_gets_a_problem_and_stores_nothing(manager_api, body, status, field):
    response = manager_api.post("/cases/batch", body)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"].split(".")[0] for e in response.json()["errors"]]
    assert Case.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_malformed_json_gets_a_problem(manager_api):
    response = manager_api.post("/cases/batch", raw='{"cases": [')
    assert response.status_code == 400
    assert response.json()["type"] == "urn:amparo:problem:malformed-request"
    assert Case.objects.count() == 0


def test_a_client_never_reads_or_writes_another_organisations_cases(manager_api, outsider_api, organisation):
    manager_api.post("/cases", case("SHARED-1", exploitation_ubigeo="150101"))
    ours = Case.objects.get(source_organisation=organisation)
    assert outsider_api.get("/cases").json()["items"] == []
    assert outsider_api.get(f"/cases/{ours.pk}").status_code == 404
    # The same identifier from another organisation is that organisation's own case, never an update of ours.
    sent = outsider_api.post("/cases", case("SHARED-1", exploitation_ubigeo="080101"))
    assert sent.json()["created"] == 1
    ours.refresh_from_db()
    assert ours.department_code == "15"
    assert [c["source_record_id"] for c in manager_api.get("/cases").json()["items"]] == ["SHARED-1"]
    assert manager_api.get("/cases").json()["items"][0]["id"] == ours.pk


def test_a_client_with_its_own_cases_in_scope_cannot_update_its_organisations_other_cases(manager_api, organisation):
    manager_api.post("/cases", case("ORG-1"))
    _client, token = api_client(organisation, "registrar", "ngo-registrar")
    registrar = Caller(token)
    refused = registrar.post("/cases", case("ORG-1", age=16))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "source_record_id"
    assert Case.objects.get().age_when_trafficked == 15
    mine = registrar.post("/cases", case("REG-1"))
    assert mine.json()["created"] == 1
    assert [c["source_record_id"] for c in registrar.get("/cases").json()["items"]] == ["REG-1"]


def test_cases_are_read_filtered_and_page_by_page(manager_api):
    sent = [case(f"P-{i}", exploitation_ubigeo="150101" if i % 2 else "080101") for i in range(7)]
    manager_api.post("/cases/batch", {"cases": sent})
    seen, cursor = [], None
    while True:
        page = manager_api.get("/cases", department="15", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["source_record_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["P-1", "P-3", "P-5"]
    assert manager_api.get("/cases", cursor="not a cursor!").status_code == 422


def test_identities_only_for_roles_that_may_see_them_and_audited(organisation):
    from amparo.audit.models import AuditAction, AuditEvent

    _client, token = api_client(organisation, "supervisor", "ngo-supervisor")
    supervisor = Caller(token)
    supervisor.post("/cases", case("ID-1", prs_FirstName="Rosa", prs_SecondName="Quispe"))
    plain = supervisor.get("/cases").json()["items"][0]
    assert plain["identity"] is None
    named = supervisor.get("/cases", identities="true").json()["items"][0]
    assert (named["identity"]["first_name"], named["identity"]["second_name"]) == ("Rosa", "Quispe")
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_IDENTITY, username="api.ngo-supervisor").count() == 1

    _client, token = api_client(organisation, "analyst", "ngo-analyst")
    analyst = Caller(token)
    assert analyst.get("/cases").status_code == 403
    assert analyst.get("/cases", identities="true").status_code == 403
    assert analyst.post("/cases", case("AN-1")).status_code == 403
    assert Case.objects.count() == 1


def test_the_batch_of_the_documentation_is_accepted(manager_api):
    import ast
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    cases = re.search(r"cases = (\[.*?\n\])", text, re.S).group(1)
    response = manager_api.post("/cases/batch", {"format": "auto", "cases": ast.literal_eval(cases)})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    assert Case.objects.get(source_record_id="PNP-2024-0002").family_facilitated is True
