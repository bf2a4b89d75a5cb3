"""The `amparo` console command, run as a user runs it: a separate process on a fresh data directory."""

import subprocess
import sys


def _amparo(tmp_path, *args):
    env = {"AMPARO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"}
    return subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_embedded_database_is_created_on_first_use(tmp_path):
    result = _amparo(tmp_path, "stats", "--year", "2010", "--by", "department")
    assert "Preparing the embedded database" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode != 0 and "2010" in result.stderr  # a clear "no cases" message, not a crash
    assert (tmp_path / "amparo.sqlite3").exists()


def test_every_subcommand_has_help(tmp_path):
    for command in ("demo", "serve", "synth", "stats", "import", "export", "report", "rotate_keys"):
        result = _amparo(tmp_path, command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "usage: amparo " + command in result.stdout


def test_an_unreachable_database_is_named_without_a_traceback(tmp_path):
    env = {
        "AMPARO_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "AMPARO_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nothing",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", "stats", "--year", "2010"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Cannot reach the database" in result.stderr and "Traceback" not in result.stderr
