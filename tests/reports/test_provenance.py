"""A published number can be traced: every report, download and export records the filter and the registry
revision (registry.models.RegistryRevision.token) it was computed from, in the file and in the audit log."""

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from amparo.accounts.roles import Role, Scope
from amparo.audit.models import AuditAction, AuditEvent
from amparo.exchange import selectors as exchange_selectors
from amparo.exchange.exports import cases_export
from amparo.registry.models import RegistryRevision
from amparo.registry.records import CaseRecord, PersonRecord
from amparo.registry.services import case_register
from amparo.stats import engine
from amparo.stats.engine import CaseFilter
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _token() -> str:
    return RegistryRevision.objects.get().token


def _provenance_sheet(content: bytes) -> dict:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("provenance").to_python()
    return {name: json.loads(value) if value.startswith(("{", "[")) else value for name, value in rows}


def _last_export() -> dict:
    return AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id").details


def test_the_report_records_its_filter_and_revision_in_every_format_and_in_the_audit_log(
    registry, supervisor, client_as
):
    client, token = client_as(supervisor), _token()
    expected = {"filters": {"years": [2010]}, "registry_revision": token}
    url = reverse("report-download") + "?year=2010&lang=en&format="
    assert json.loads(client.get(url + "json").content)["provenance"] == expected
    assert _provenance_sheet(client.get(url + "xlsx").content) == expected
    for fmt in ("html", "md"):
        text = client.get(url + fmt).content.decode()
        assert token in text and '{"years": [2010]}'.replace('"', "&quot;" if fmt == "html" else '"') in text
        assert "Cases selected" in text and "Registry revision" in text
    assert _last_export()["filters"] == {"years": [2010]} and _last_export()["registry_revision"] == token


def test_a_dashboard_download_records_its_filter_and_revision(registry, supervisor, client_as):
    client, token = client_as(supervisor), _token()
    expected = {
        "filters": {"years": [2010], "sexes": ["Feminine"], "family_facilitated": True},
        "registry_revision": token,
    }

    def url(fmt):
        return reverse("dashboard-table", args=["age-group", fmt]) + "?year=2010&sex=Feminine&family=yes"

    assert json.loads(client.get(url("json")).content)["provenance"] == expected
    assert _provenance_sheet(client.get(url("xlsx")).content) == expected
    client.get(url("csv"))  # one table, no room in the file: the audit log keeps it
    assert {k: _last_export()[k] for k in expected} == expected


def test_an_export_records_its_filter_and_revision(registry):
    police, token = registry["police"], _token()
    content, count = cases_export(format_name="amparo", kind="json", year=2010, source_id=police.pk)
    data = json.loads(content)
    assert data["provenance"] == {
        "filters": {"years": [2010], "source_organisation_ids": [police.pk]},
        "registry_revision": token,
    }
    assert len(data["records"]) == count == 7  # L01, L02, L05, L06, C01, M01, M02
    assert {k: _last_export()[k] for k in data["provenance"]} == data["provenance"]
    xlsx, _count = cases_export(format_name="ctdc-legacy", kind="xlsx")
    assert _provenance_sheet(xlsx) == {"filters": {}, "registry_revision": token}


def test_a_scoped_export_says_whose_scope_it_covers(registry):
    manager = make_user("scoped_manager", Role.DATA_MANAGER, registry["police"], scope=Scope.ORGANISATION)
    content, count = cases_export(format_name="htcds", kind="json", user=manager)
    assert json.loads(content)["provenance"]["scope"] == Scope.ORGANISATION and count == 9  # the police's cases


def test_the_revision_changes_with_the_registry_and_a_report_keeps_the_one_it_was_computed_from(
    registry, supervisor, client_as
):
    before = _token()
    with engine.at_one_revision() as revision:
        first = engine.case_count(CaseFilter(years=(2010,)))
        case_register(
            record=CaseRecord("LATE-1", date(2010, 9, 1), victim=PersonRecord("Feminine", "PE")),
            source=registry["police"],
        )
        assert engine.case_count(CaseFilter(years=(2010,))) == first  # the pinned revision's figures
    assert revision == before != _token()
    assert engine.case_count(CaseFilter(years=(2010,))) == first + 1
    report = json.loads(client_as(supervisor).get(reverse("report-download") + "?year=2010&format=json").content)
    assert report["provenance"]["registry_revision"] == _token()


def test_an_export_read_while_the_registry_changed_is_read_again(registry, monkeypatch):
    """A write between the export's reads would leave its file between two revisions: it is read again."""
    read = exchange_selectors.cases_frame
    writes = iter(
        [
            lambda: case_register(
                record=CaseRecord("MID-1", date(2010, 9, 1), victim=PersonRecord("Feminine", "PE")),
                source=registry["police"],
            )
        ]
    )

    def read_during_a_write(**selection):
        frame = read(**selection)
        next(writes, lambda: None)()
        return frame

    monkeypatch.setattr(exchange_selectors, "cases_frame", read_during_a_write)
    content, count = cases_export(format_name="amparo", kind="json", year=2010)
    data = json.loads(content)
    assert data["provenance"]["registry_revision"] == _token()
    assert "MID-1" in [r["source_record_id"] for r in data["records"]] and count == 13
