"""The export page and `amparo export --user`: data managers and administrators only, cases within the
user's scope, identities only on request and only for roles that may see them, every export audited."""

import io
import json
from datetime import date

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from amparo.accounts.roles import Role, Scope
from amparo.audit.models import AuditAction, AuditEvent
from amparo.registry.records import CaseRecord, PersonRecord
from amparo.registry.services import cases_register
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME, make_user, victim_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(organisation, outsider_organisation):
    """Three cases of `organisation` (one of 2023) and two of the outsider organisation: counted by hand."""
    cases_register(
        records=[
            victim_record("OWN-1"),
            victim_record("OWN-2"),
            CaseRecord("OWN-2023", date(2023, 8, 1), PersonRecord("Masculine", "VE")),
        ],
        source=organisation,
    )
    cases_register(
        records=[CaseRecord(f"OTHER-{n}", date(2024, 1, n), PersonRecord("Feminine", "BO")) for n in (1, 2)],
        source=outsider_organisation,
    )


def _export(client, **fields):
    data = {"format": "amparo", "kind": "csv", "year": "", "source": "", **fields}
    return client.post(reverse("exchange:export"), data, HTTP_ACCEPT_LANGUAGE="en")


def _rows(response) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(response.content), infer_schema=False)


@pytest.mark.parametrize("role", ["registrar", "case_worker", "supervisor", "analyst"])
def test_other_roles_may_not_export(client_as, personas, registry, role):
    client = client_as(personas[role])
    assert client.get(reverse("exchange:export")).status_code == 403
    assert _export(client).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_data_manager_downloads_every_case_without_identities(client_as, data_manager, registry):
    client = client_as(data_manager)
    page = client.get(reverse("exchange:export"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Include identifying data" in page
    response = _export(client)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="amparo-amparo-all-years.csv"'
    rows = _rows(response)
    assert sorted(rows["source_record_id"]) == ["OTHER-1", "OTHER-2", "OWN-1", "OWN-2", "OWN-2023"]
    assert VICTIM_FIRST_NAME.encode() not in response.content and VICTIM_DNI.encode() not in response.content
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == data_manager and event.details["cases"] == 5 and event.details["identities"] is False


def test_filters_and_identities_on_request_are_honoured_and_audited(client_as, data_manager, organisation, registry):
    response = _export(
        client_as(data_manager),
        year="2024",
        source=str(organisation.pk),
        include_identities="on",
        kind="json",
        format="htcds",
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    cases = json.loads(response.content)["records"]
    assert len(cases) == 2  # OWN-1 and OWN-2: the 2024 cases of this source
    assert VICTIM_FIRST_NAME.encode() in response.content and VICTIM_DNI.encode() in response.content
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.user, event.details["identities"], event.details["cases"]) == (data_manager, True, 2)


def test_a_data_manager_with_an_organisation_scope_exports_only_that_organisation(client_as, organisation, registry):
    manager = make_user("scoped_manager", Role.DATA_MANAGER, organisation, scope=Scope.ORGANISATION)
    rows = _rows(_export(client_as(manager)))
    assert sorted(rows["source_record_id"]) == ["OWN-1", "OWN-2", "OWN-2023"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"format": "ctdc-legacy", "kind": "json"}, "is written as csv, xlsx, not json"),
        ({"format": "ctdc-synthetic", "include_identities": "on"}, "CTDC files never contain identifying data"),
        ({"year": "20x4"}, "Enter a whole number"),
    ],
)
def test_an_export_that_cannot_be_made_is_explained_and_writes_nothing(
    client_as, data_manager, registry, fields, message
):
    response = _export(client_as(data_manager), **fields)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def _command(*args) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_exports_identities_only_on_behalf_of_an_account_that_may_see_them(tmp_path, personas, registry):
    out = tmp_path / "cases.csv"
    with pytest.raises(CommandError, match="give --user"):
        _command("--format", "amparo", "--include-identities", str(out))
    with pytest.raises(CommandError, match="may not import or export"):
        _command("--format", "amparo", "--include-identities", "--user", personas[Role.ANALYST].username, str(out))
    with pytest.raises(CommandError, match="No active account is called nobody"):
        _command("--format", "amparo", "--user", "nobody", str(out))
    assert not out.exists()

    manager = personas[Role.DATA_MANAGER]
    assert "Wrote 5 cases" in _command(
        "--format", "amparo", "--include-identities", "--user", manager.username, str(out)
    )
    assert VICTIM_DNI.encode() in out.read_bytes()
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.user, event.details["identities"]) == (manager, True)
