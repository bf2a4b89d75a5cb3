"""`amparo synth` refuses bad options with a clear message and a non-zero exit, never a traceback."""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

AMPARO = Path(sys.executable).parent / "amparo"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"years": "2025-2010"},
            "--years 2025-2010: expected FIRST-LAST (or one year) with 2010 <= FIRST <= LAST <= 2025",
        ),
        ({"years": "abc"}, "--years abc: expected FIRST-LAST"),
        ({"years": "2009-2012"}, "--years 2009-2012: expected FIRST-LAST"),
        ({"years": "2010-2030"}, "--years 2010-2030: expected FIRST-LAST"),
        ({"scale": "-1"}, "--scale -1: expected a number greater than 0 and at most 100"),
        ({"scale": "0"}, "--scale 0: expected a number greater than 0"),
        ({"scale": "many"}, "--scale many: expected a number"),
        ({"scale": "nan"}, "--scale nan: expected a number greater than 0"),
        ({"sources": "police"}, "--sources writes files: give --out DIR"),
        ({"load": False}, "Nothing to do"),
    ],
)
def test_it_refuses_bad_options(options, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("synth", stdout=io.StringIO(), **options)


def test_it_refuses_an_unknown_source(tmp_path):
    with pytest.raises(
        CommandError,
        match="--sources police,army: unknown source 'army', expected some of police, prosecutor, ngo, hotline",
    ):
        call_command("synth", years="2010", out=str(tmp_path), sources="police,army", stdout=io.StringIO())


def test_it_refuses_an_output_path_that_is_a_file(tmp_path):
    target = tmp_path / "cases.csv"
    target.write_text("x")
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("synth", years="2010", out=str(target), stdout=io.StringIO())


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AMPARO_DATA_DIR": tempfile.mkdtemp(prefix="amparo-synth-cli-")}
    env.pop("AMPARO_DATABASE_URL", None)  # a fresh embedded database, whichever database the suite runs on
    return subprocess.run([str(AMPARO), "synth", *args], capture_output=True, text=True, env=env, timeout=120)


def test_the_console_command_exits_non_zero_without_a_traceback():
    result = _run("--years", "2025-2010")
    assert result.returncode != 0
    assert "--years 2025-2010:" in result.stderr and "2010 <=" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_help_explains_every_option():
    result = _run("--help")
    assert result.returncode == 0
    for option in ("--seed", "--years", "--scale", "--out", "--load", "--no-load", "--sources"):
        assert option in result.stdout


def test_it_writes_files_and_prints_a_synthetic_summary(tmp_path):
    output = io.StringIO()
    call_command("synth", years="2010-2011", scale="0.5", out=str(tmp_path), stdout=output)
    text = output.getvalue()
    assert "SYNTHETIC" in text
    assert "2010:     253" in text and "2011:     165" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "events.csv", "perpetrators.csv"]


def test_messages_are_in_spanish_for_spanish_users():
    with translation.override("es"), pytest.raises(CommandError, match="--years 2025-2010: se esperaba PRIMERO-ÚLTIMO"):
        call_command("synth", years="2025-2010", stdout=io.StringIO())


def test_it_explains_an_output_directory_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="Cannot write to"):
        call_command("synth", years="2010", out=str(blocker / "inside"), stdout=io.StringIO())
