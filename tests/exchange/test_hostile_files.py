"""Hostile files cannot hurt the service: each is read or refused with a reason, in time and within the
reader's memory, and a refused file leaves nothing stored, dry run or not; through the import service (hand-made
files and hypothesis' many more), the upload page and the command in a process of its own."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amparo.exchange.models import (
    CaseProvenance,
    ImportBatch,
    OriginalRowBlock,
    QuarantinedRow,
)
from amparo.exchange.services import ImportRefused, file_import
from amparo.registry.models import Case, Organisation
from tests.exchange import hostile

pytestmark = pytest.mark.django_db

SECONDS = 30  # the most any one file may take, reading, checking and storing included
MEMORY_MB = 1536


@pytest.fixture(autouse=True)
def reader_limits(settings):
    settings.IMPORT_READER_SECONDS, settings.IMPORT_READER_MEMORY_MB = SECONDS, MEMORY_MB


@pytest.fixture
def source():
    return Organisation.objects.create(name="ONG Hostil", org_type="NGO")


def _stored() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (ImportBatch, QuarantinedRow, OriginalRowBlock, CaseProvenance, Case)
    )


def _import(data: bytes, source, *, dry_run: bool = False):
    """The batch, or the refusal, having checked that a refusal stored nothing and that it all took little time."""
    before, start = _stored(), time.monotonic()
    try:
        outcome = file_import(data=data, file_name="hostile.bin", source=source, dry_run=dry_run)
    except ImportRefused as refusal:
        assert _stored() == before, "a refused file stored something"
        outcome = refusal
    assert time.monotonic() - start < SECONDS
    return outcome


HOSTILE = {
    "last cell XFD1048576 (5 KB)": (hostile.far_cell_xlsx, "16384 columns"),
    "last cell XFD30001": (lambda: hostile.far_cell_xlsx(30000, 16383), "16384 columns"),
    "declared A1:XFD1048576": (hostile.declared_dimension_xlsx, "declares its size as A1:XFD1048576"),
    "zip bomb": (lambda: hostile.zip_bomb_xlsx(rows=5000), "an import reads at most 200000 cells"),
    "100,000 perpetrators in one cell": (
        lambda: hostile.perpetrators_csv(100_000),
        "the cell holds 699999 characters; an import reads cells of at most 32767",
    ),
    "101 perpetrators": (lambda: hostile.perpetrators_csv(101), "the case has 101 perpetrators"),
    "101 nested perpetrators": (
        lambda: json.dumps(
            [
                {
                    "source_record_id": "N-1",
                    "registration_date": "2024-01-01",
                    "perpetrators": [{"relationship": "parent"}] * 101,
                }
            ]
        ).encode(),
        "the case has 101 perpetrators",
    ),
    "JSON nested 1,000 deep": (lambda: hostile.nested_json(1000), "more than 32 levels deep"),
}


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_naming_the_limit_and_stores_nothing(source, settings, name, dry_run):
    settings.IMPORT_MAX_CELLS = 200_000  # the bomb is kept small enough to make quickly
    make, message = HOSTILE[name]
    refusal = _import(make(), source, dry_run=dry_run)
    assert isinstance(refusal, ImportRefused) and message in str(refusal)


@pytest.mark.parametrize("name", list(hostile.TRICKY))
def test_a_tricky_file_is_imported_or_refused_with_a_reason(source, name):
    data, outcome = hostile.TRICKY[name]
    result = _import(data, source)
    if outcome == "read":
        assert isinstance(result, ImportBatch) and result.rows >= 1 and result.created + result.rejected == result.rows
    else:
        assert isinstance(result, ImportRefused) and outcome in str(result)


def test_a_zip_bomb_is_refused_on_what_it_unzips_to(source, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 20
    refusal = _import(hostile.zip_bomb_xlsx(rows=2000), source)
    assert "unzips to at least" in str(refusal) and "at most 20.0 MB unzipped" in str(refusal)


@pytest.mark.parametrize("lifted", [False, True], ids=["by the limits", "by the reader's memory"])
def test_the_upload_page_refuses_a_hostile_file_and_goes_on_serving(
    client_as, data_manager, organisation, settings, lifted
):
    """With the limits lifted, the spreadsheet reader asks for 512 GiB and aborts: in the web server's own
    process, as it was, that ended this test run."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if lifted:
        settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELLS = 20_000, 10**12
    client = client_as(data_manager)
    upload = {
        "file": SimpleUploadedFile("casos.xlsx", hostile.far_cell_xlsx()),
        "source": organisation.pk,
        "format": "auto",
    }
    response = client.post(reverse("exchange:import"), upload, HTTP_ACCEPT_LANGUAGE="en")
    page = b"".join(response.streaming_content).decode()
    expected = f"casos.xlsx needed more than the {MEMORY_MB} MB of memory" if lifted else "16384 columns"
    assert response.status_code == 200 and 'role="alert"' in page and expected in page
    assert "See the result" not in page and _stored() == (0, 0, 0, 0, 0)
    assert client.get(reverse("exchange:import")).status_code == 200


_FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _imported_or_refused(source, data: bytes, dry_run: bool) -> None:
    with transaction.atomic():
        outcome = _import(data, source, dry_run=dry_run)
        assert isinstance(outcome, (ImportBatch, ImportRefused))
        if isinstance(outcome, ImportRefused):
            assert str(outcome).strip()
        transaction.set_rollback(True)


@_FUZZ
@given(data=hostile.csv_files(), dry_run=st.booleans())
def test_fuzzed_csv_is_imported_or_refused(source, data, dry_run):
    _imported_or_refused(source, data, dry_run)


@_FUZZ
@given(data=hostile.json_files(), dry_run=st.booleans())
def test_fuzzed_json_is_imported_or_refused(source, data, dry_run):
    _imported_or_refused(source, data, dry_run)


@_FUZZ
@given(data=hostile.xlsx_files(), dry_run=st.booleans())
def test_fuzzed_xlsx_is_imported_or_refused(source, data, dry_run):
    _imported_or_refused(source, data, dry_run)


# Linux counts, in a child's peak memory, the pages it shared with its parent until it ran the new program: a
# command started straight from this test process would report the test process's size. A small launcher starts
# it instead and reports the peak of its own children (the command and the command's reader).
_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
sys.exit(code)
"""


def _command(args: list[str], env: dict) -> tuple[int, str, int]:
    """Run `amparo ARGS`: (exit code, standard error, the most memory it or its reader held in MB)."""
    amparo = Path(sys.executable).parent / "amparo"
    process = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, str(amparo), *args], env=env, capture_output=True, text=True
    )
    return process.returncode, process.stderr, int(process.stdout)


def test_the_command_refuses_a_file_whose_parser_aborts_and_exits_cleanly(tmp_path):
    """In a process of its own, as people run it: the 5 KB file that made it ask for 512 GiB, refused by the
    limits, then, with the limits lifted, by the reader's memory limit when the parser aborts."""
    env = {k: v for k, v in os.environ.items() if k != "AMPARO_DATABASE_URL"} | {
        "AMPARO_DATA_DIR": str(tmp_path),
        "AMPARO_LANGUAGE": "en",
    }
    assert _command(["migrate", "-v0"], env)[0] == 0
    path = tmp_path / "casos.xlsx"
    path.write_bytes(hostile.far_cell_xlsx())
    import_args = ["import", str(path), "--source", "ONG", "--source-type", "NGO"]
    code, stderr, _memory = _command(import_args, env)
    assert code == 1 and "16384 columns" in stderr and "Traceback" not in stderr
    lifted = env | {
        "AMPARO_IMPORT_MAX_COLUMNS": "20000",
        "AMPARO_IMPORT_MAX_CELLS": str(10**12),
        "AMPARO_IMPORT_READER_MEMORY_MB": "1024",
        "AMPARO_IMPORT_READER_SECONDS": "300",  # the memory limit is what this test is about, even on a busy machine
    }
    code, stderr, memory = _command(import_args, lifted)
    assert code == 1 and "casos.xlsx needed more than the 1024 MB of memory" in stderr
    assert "Traceback" not in stderr and "memory allocation" not in stderr and "backtrace" not in stderr
    assert memory < 1024
    with sqlite3.connect(tmp_path / "amparo.sqlite3") as database:
        for table in ("exchange_importbatch", "exchange_quarantinedrow", "registry_case"):
            assert database.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_the_command_refuses_a_file_over_the_size_limit_before_anything_else(tmp_path, settings):
    """Before reading the file into memory, and before looking up or creating its source."""
    from django.core.management import CommandError, call_command

    settings.IMPORT_MAX_FILE_MB = 1
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(3 * 2**20)  # sparse: three megabytes that were never written
    with pytest.raises(CommandError, match=r"The file is 3\.0 MB; an import reads files of at most 1\.0 MB"):
        call_command("import", str(path), "--source", "Nobody Knows", "--source-type", "NGO")
    assert not Organisation.objects.exists() and _stored() == (0, 0, 0, 0, 0)
