"""`amparo import` and `amparo export`: clear messages and a non-zero exit for every bad input."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from amparo.registry.models import Case, Organisation
from tests.exchange import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Organisation.objects.create(name="ONG Prueba", org_type="NGO")


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_and_reports_counts_and_rejected_rows_without_identities(tmp_path, source):
    path = tmp_path / "casos.csv"
    path.write_text(samples.AMPARO_CSV.replace("ONG-3,2024-05-09", "ONG-3,31/02/2024"), encoding="utf-8")
    output = _run("import", str(path), "--source", "ong prueba")
    assert "4 created" in output and "1 rejected" in output
    assert "row 4, column sexo, value 'X'" in output
    assert "Zoilacunda" not in output and "73918264" not in output
    assert Case.objects.count() == 4


def test_a_dry_run_stores_nothing(tmp_path, source):
    path = tmp_path / "casos.csv"
    path.write_text(samples.AMPARO_CSV, encoding="utf-8")
    assert "dry run" in _run("import", str(path), "--source", "ONG Prueba", "--dry-run")
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x00\x00binary", "neither CSV"),
        (b"fecha_registro;sexo\n2024-01-01;F\n", "source_record_id"),
        (b"source_record_id|registration_date\nA|2024-01-01\n", "delimiter"),
    ],
)
def test_bad_files_give_a_clear_error(tmp_path, source, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _run("import", str(path), "--source", "ONG Prueba")


def test_a_missing_file_or_source_is_refused(tmp_path, source):
    with pytest.raises(CommandError, match="No such file"):
        _run("import", str(tmp_path / "none.csv"), "--source", "ONG Prueba")
    path = tmp_path / "casos.csv"
    path.write_text(samples.AMPARO_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="ONG Prueba"):
        _run("import", str(path), "--source", "Otra")


def test_export_writes_the_file_and_refuses_a_bad_extension(tmp_path, source):
    out = tmp_path / "casos.xlsx"
    assert "Wrote 0 cases" in _run("export", "--format", "htcds", str(out))
    assert out.read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match=r"\.csv, \.xlsx or \.json"):
        _run("export", "--format", "htcds", str(tmp_path / "casos.txt"))
    with pytest.raises(CommandError, match="give --user"):
        _run("export", "--format", "ctdc-legacy", "--include-identities", str(tmp_path / "c.csv"))


def test_a_source_created_for_an_import_is_stored_with_it_or_not_at_all(tmp_path):
    header_only = tmp_path / "vacio.csv"
    header_only.write_text(samples.AMPARO_CSV.splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no rows"):
        _run("import", str(header_only), "--source", "ONG Nueva", "--source-type", "NGO")
    assert not Organisation.objects.filter(name="ONG Nueva").exists()
    with pytest.raises(CommandError, match="Unknown organisation type Ninguno"):
        _run("import", str(header_only), "--source", "ONG Nueva", "--source-type", "Ninguno")
    with pytest.raises(CommandError, match="at most 200 characters"):
        _run("import", str(header_only), "--source", "O" * 201, "--source-type", "NGO")
    path = tmp_path / "casos.csv"
    path.write_text(samples.AMPARO_CSV, encoding="utf-8")
    assert "4 created" in _run("import", str(path), "--source", "ONG Nueva", "--source-type", "NGO")
    assert Case.objects.filter(source_organisation__name="ONG Nueva", source_organisation__org_type="NGO").count() == 4


def test_an_identifier_too_long_to_store_quarantines_its_row_on_every_database(tmp_path, source):
    too_long = "ONG-" + "9" * 10_000
    path = tmp_path / "casos.csv"
    path.write_text(samples.AMPARO_CSV.replace("ONG-2,", too_long + ",", 1), encoding="utf-8")
    with translation.override("en"):
        output = _run("import", str(path), "--source", "ONG Prueba")
    assert "3 created" in output and "2 rejected" in output
    assert "column source_record_id" in output and "expected at most 100 characters" in output
    assert sorted(Case.objects.values_list("source_record_id", flat=True)) == ["ONG-1", "ONG-4", "ONG-5"]


def test_a_refused_import_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != "AMPARO_DATABASE_URL"} | {"AMPARO_DATA_DIR": str(tmp_path)}
    amparo = Path(sys.executable).parent / "amparo"
    subprocess.run([str(amparo), "migrate", "-v0"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [str(amparo), "import", str(path), "--source", "X"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "CommandError" in result.stderr and "X" in result.stderr


@pytest.mark.parametrize("command", ["import", "export"])
def test_both_commands_explain_themselves(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(command, "--help")
    assert exit_.value.code == 0
    assert "--format" in capsys.readouterr().out


def test_an_import_on_behalf_of_an_account_names_it_and_other_roles_are_refused(tmp_path, source, personas):
    from amparo.audit.models import AuditAction, AuditEvent
    from amparo.exchange.models import ImportBatch

    path = tmp_path / "casos.csv"
    path.write_text(samples.AMPARO_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match=r"persona_analyst \(Analyst\) may not import or export"):
        _run("import", str(path), "--source", "ONG Prueba", "--user", "persona_analyst")
    assert not Case.objects.exists() and not ImportBatch.objects.exists()
    _run("import", str(path), "--source", "ONG Prueba", "--user", "persona_data_manager")
    batch = ImportBatch.objects.get()
    assert batch.user.username == "persona_data_manager"
    assert AuditEvent.objects.get(action=AuditAction.IMPORT).user == batch.user
