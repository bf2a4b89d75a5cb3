"""The audit log as people read it: objects named as they know them (a case by its code, linked), details as
sentences in the reader's language, and the events a search finds as a file (itself audited)."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from amparo.accounts import services as accounts
from amparo.accounts.roles import Role
from amparo.audit import exports
from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.services import audit_record
from amparo.casework import care_services
from amparo.registry.access import identity_for
from tests.personas import logged_in_client

pytestmark = pytest.mark.django_db
URL = "/audit/"


@pytest.fixture
def admin_client(administrator):
    return logged_in_client(administrator)


def _rows(page: str) -> list[tuple[str, str]]:
    """(object cell, details cell) of each event shown."""
    return re.findall(r'<td class="audit-object">(.*?)</td>\s*<td class="audit-details">(.*?)</td>', page, re.S)


def test_a_case_is_named_by_its_code_and_linked(admin_client, registrar, victim_case):
    identity_for(registrar, victim_case)
    page = admin_client.get(URL, {"action": "view_identity"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    [(named, _details)] = _rows(page)
    assert named == f'<a href="{reverse("case-detail", args=[victim_case.pk])}">Case PERSONA-1</a>'


def test_an_object_of_a_case_is_named_with_the_case_code_and_linked_to_its_page(admin_client, personas, organisation):
    from amparo.registry.services import case_register
    from tests.casework.conftest import family_record

    worker = personas[Role.CASE_WORKER]
    case = case_register(record=family_record("FAM-77"), source=organisation, owner=worker)
    plan = care_services.plan_propose(
        case=case, user=worker, destination_type="kinship", caregiver_relationship="grandparent"
    )
    page = admin_client.get(URL, {"object_type": "casework.ReintegrationPlan"}, HTTP_ACCEPT_LANGUAGE="en")
    [(named, details)] = _rows(page.content.decode())
    care = reverse("casework-case", args=[case.pk])
    assert named == f'<a href="{care}">Reintegration plan {plan.pk} · case FAM-77</a>'
    sentences = details.split("<br>")
    assert "Case: FAM-77." in sentences
    assert "Where the child would live: Extended family / kinship care." in sentences
    assert "Caregiver&#x27;s relationship to the child: Grandparent." in sentences


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_account_change_reads_as_sentences(admin_client, administrator, case_worker, language):
    accounts.account_update(
        actor=administrator,
        account=case_worker,
        role=Role.SUPERVISOR,
        scope="",
        organisation=case_worker.organisation,
        first_name="Nina",
        last_name="",
        email="",
    )
    page = admin_client.get(URL, {"object_type": "accounts.User"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    [(named, details)] = _rows(page)
    with translation.override(language):
        role, first_name = translation.gettext("role"), translation.gettext("first name")
        expected_role = translation.gettext("%(field)s changed from %(old)s to %(new)s.") % {
            "field": role.capitalize(),
            "old": Role.CASE_WORKER.label,
            "new": Role.SUPERVISOR.label,
        }
        expected_name = translation.gettext("%(field)s changed (the values are sealed).") % {
            "field": first_name.capitalize()
        }
        account = translation.gettext("Account %(name)s") % {"name": case_worker.username}
    assert named == f'<a href="{reverse("account-edit", args=[case_worker.pk])}">{account}</a>'
    assert details.split("<br>") == sorted([expected_name, expected_role], key=lambda s: s != expected_name)
    assert "Nina" not in page


def test_an_object_removed_since_is_said_so(admin_client, organisation):
    from amparo.registry.models import Organisation

    gone = Organisation.objects.create(name="Temporal", org_type="NGO")
    audit_record(user=None, action=AuditAction.CREATE, obj=gone, username="amparo import")
    gone_pk = gone.pk
    gone.delete()
    page = admin_client.get(URL, {"object_type": "registry.Organisation"}, HTTP_ACCEPT_LANGUAGE="en")
    [(named, _details)] = _rows(page.content.decode())
    assert named == f"Organisation {gone_pk} (no longer exists)"


# --- The log as a file ------------------------------------------------------------------------------------


def _read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor", "data_manager", "analyst"])
def test_only_those_who_read_the_log_export_it(personas, role):
    assert logged_in_client(personas[role]).get(reverse("audit-export", args=["csv"])).status_code == 403


def test_the_export_holds_the_events_the_search_finds_and_is_audited(admin_client, administrator, registrar):
    for _ in range(3):
        audit_record(user=None, action=AuditAction.LOGIN_FAILED, username='=HYPERLINK("http://x")')
    audit_record(user=registrar, action=AuditAction.LOGIN)
    expected = AuditEvent.objects.filter(action="login_failed").count()  # counted by the ORM, not the export
    response = admin_client.get(
        reverse("audit-export", args=["csv"]), {"action": "login_failed"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = _read_csv(response.content)
    assert len(rows) == expected == 3
    assert {row["User"] for row in rows} == {'\'=HYPERLINK("http://x")'}  # written as text, not a formula
    assert [int(row["Sequence"]) for row in rows] == sorted(
        AuditEvent.objects.filter(action="login_failed").values_list("sequence", flat=True), reverse=True
    )
    exported = AuditEvent.objects.filter(action="export", username=administrator.username).get()
    assert exported.details == {"audit_events": 3, "kind": "csv", "filters": {"action": "login_failed"}}


def test_the_export_speaks_the_readers_language(admin_client):
    audit_record(user=None, action=AuditAction.LOGIN_FAILED, username="intruso", details={"locked_out": True})
    response = admin_client.get(
        reverse("audit-export", args=["csv"]), {"action": "login_failed"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    with translation.override("es"):
        user, details = translation.gettext("User"), translation.gettext("Details")
        sentence = translation.gettext("%(label)s: %(value)s.") % {
            "label": translation.gettext("Locked out"),
            "value": translation.gettext("yes"),
        }
    [row] = _read_csv(response.content)
    assert row[user] == "intruso" and row[details] == sentence


def test_an_export_too_large_is_refused_with_the_reason(admin_client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    for name in ("a", "b", "c"):
        audit_record(user=None, action=AuditAction.LOGIN_FAILED, username=name)
    response = admin_client.get(
        reverse("audit-export", args=["xlsx"]), {"action": "login_failed"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "3 events match" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
