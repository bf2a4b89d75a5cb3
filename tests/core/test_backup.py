"""`amparo backup` and `amparo restore` as an operator runs them: separate processes, real data directories,
the database the suite runs on (SQLite, or PostgreSQL when AMPARO_DATABASE_URL names one).

Both databases are read here with sqlite3 or psycopg directly, not through the code under test.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

from amparo.core import crypto
from amparo.core.archive import ArchiveError, BackupKey
from amparo.core.backup import BackupError, restore
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME, VICTIM_SURNAME

REPOSITORY = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("AMPARO_DATABASE_URL", "")
ON_POSTGRESQL = SERVER_URL.startswith("postgres")

FILL = textwrap.dedent("""
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    call_command("synth", "--years", "2010", verbosity=0)
    from amparo.registry.models import Organisation
    from amparo.registry.services import case_register
    from tests.personas import victim_record
    case_register(record=victim_record(), source=Organisation.objects.create(name="Backup Test NGO", org_type="NGO"))
    from amparo.stats import snapshot
    snapshot.current()  # leaves its sealed copy in the data directory, a file a backup leaves out
""")

# Registers cases one transaction at a time until the stop file appears; after each commit it appends the
# largest primary key of every table and the registry's revision: the moments a snapshot may show.
WRITER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    import django
    django.setup()
    from django.db import connection
    from amparo.registry.models import Organisation, RegistryRevision
    from amparo.registry.services import case_register
    from tests.personas import victim_record
    stop, states = Path(sys.argv[1]), Path(sys.argv[2])
    with connection.cursor() as cursor:
        keys = {}
        for table in connection.introspection.table_names(cursor):
            column = connection.introspection.get_primary_key_column(cursor, table)
            if column and (column == "id" or column.endswith("_id")):
                keys[table] = column
    source = Organisation.objects.get(name="Backup Test NGO")
    number = 0
    while not stop.exists():
        number += 1
        case_register(record=victim_record(f"WRITER-{number}"), source=source)
        state = {"revision": RegistryRevision.objects.get(pk=1).token}
        with connection.cursor() as cursor:
            for table, column in keys.items():
                cursor.execute(f'SELECT MAX("{column}") FROM "{table}"')
                state[table] = [column, cursor.fetchone()[0]]
        with states.open("a") as handle:
            handle.write(json.dumps(state) + "\\n")
""")

READ_IDENTITY = textwrap.dedent("""
    import django
    django.setup()
    from amparo.core import crypto
    from amparo.registry.models import Case, PersonIdentity
    from tests.personas import VICTIM_DNI
    identity = PersonIdentity.objects.get(person=Case.objects.get(source_record_id="PERSONA-1").victim)
    print(identity.first_name, "|", identity.second_name, "|", identity.identity_number)
    print(PersonIdentity.objects.filter(identity_number_hash=crypto.lookup_hash(VICTIM_DNI)).count())
""")


def _database_url(name: str) -> str:
    return SERVER_URL.rsplit("/", 1)[0] + "/" + name


def _environment(data_dir: Path, database: str | None) -> dict:
    environment = {
        **os.environ,
        "AMPARO_DATA_DIR": str(data_dir),
        "AMPARO_LANGUAGE": "en",
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),  # this checkout's code
    }
    for variable in ("AMPARO_FIELD_KEYS", "AMPARO_LOOKUP_KEY", "AMPARO_SECRET_KEY", "AMPARO_BACKUP_KEY_FILE"):
        environment.pop(variable, None)
    environment.pop("AMPARO_DATABASE_URL", None)
    if database:
        environment["AMPARO_DATABASE_URL"] = _database_url(database)
    return environment


def _python(environment: dict, script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args], env=environment, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _amparo(environment: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


class Registry:
    """One registry under test: its data directory, its database (a file, or a PostgreSQL database's name)."""

    def __init__(self, data_dir: Path, database: str | None):
        self.data_dir, self.database = data_dir, database

    @property
    def environment(self) -> dict:
        return _environment(self.data_dir, self.database)

    def tables(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted, read without Django."""
        if self.database is None:
            with sqlite3.connect(f"file:{self.data_dir / 'amparo.sqlite3'}?mode=ro", uri=True) as db:
                names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                return {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}
        import psycopg

        with psycopg.connect(_database_url(self.database)) as db:
            names = [
                r[0]
                for r in db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            ]
            return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}

    def column(self, table: str, name: str) -> int:
        if self.database is None:
            with sqlite3.connect(f"file:{self.data_dir / 'amparo.sqlite3'}?mode=ro", uri=True) as db:
                return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')].index(name)
        import psycopg

        with psycopg.connect(_database_url(self.database)) as db:
            return [c.name for c in db.execute(f'SELECT * FROM "{table}" LIMIT 0').description].index(name)


def _postgresql_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as db:
        db.execute(statement)


@pytest.fixture(scope="module")
def databases():
    """The names of the source and restored databases (None on SQLite), created empty and dropped after."""
    if not ON_POSTGRESQL:
        yield {"source": None, "during": None, "after": None}
        return
    base = urlparse(SERVER_URL).path.lstrip("/")
    names = {role: f"{base}_backup_{role}" for role in ("source", "during", "after")}
    for name in names.values():
        _postgresql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgresql_admin(f'CREATE DATABASE "{name}"')
    yield names
    for name in names.values():
        _postgresql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backups(tmp_path_factory, databases):
    """A filled registry backed up twice: once while a writer adds cases, once at rest; both restored."""
    root = tmp_path_factory.mktemp("backups")
    source = Registry(root / "source", databases["source"])
    _python(source.environment, FILL)
    key_file = root / "keys" / "backup.key"
    key_file.parent.mkdir()
    created = _amparo(source.environment, "backup", "--new-key", str(key_file))
    assert created.returncode == 0, created.stderr

    stop, states = root / "stop", root / "states"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop), str(states)],
        env=source.environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_lines(states, 1, writer)
        during = _amparo(source.environment, "backup", "--out", str(root / "during.bak"), "--key-file", str(key_file))
        assert during.returncode == 0, during.stderr
        _wait_for_lines(states, len(states.read_text().splitlines()) + 3, writer)
    finally:
        stop.touch()
        _, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors[-3000:]

    after = _amparo(source.environment, "backup", "--out", str(root / "after.bak"), "--key-file", str(key_file))
    assert after.returncode == 0, after.stderr
    restored = {}
    for name in ("during", "after"):
        target = Registry(root / f"restored-{name}", databases[name])
        result = _amparo(
            _environment(root / "restorer", databases[name]),
            "restore", str(root / f"{name}.bak"), "--data-dir", str(target.data_dir), "--key-file", str(key_file),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        restored[name] = target
    listing = {
        "source": sorted(p.name for p in source.data_dir.iterdir()),
        "restored": sorted(p.name for p in restored["after"].data_dir.iterdir()),  # before Amparo runs there
    }
    return {
        "root": root,
        "source": source,
        "key_file": key_file,
        "states": [json.loads(line) for line in states.read_text().splitlines()],
        "restored": restored,
        "listing": listing,
    }


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not (path.exists() and len(path.read_text().splitlines()) >= count):
        assert process.poll() is None, process.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "the writer wrote nothing for five minutes"
        time.sleep(0.1)


def test_a_backup_taken_during_writes_is_one_moment_of_the_registry(backups):
    source, restored = backups["source"], backups["restored"]["during"]
    source_tables, restored_tables = source.tables(), restored.tables()
    assert set(restored_tables) == set(source_tables)
    states = backups["states"]
    revision_table = "registry_registryrevision"
    revision = restored_tables[revision_table][0][restored.column(revision_table, "token")]
    moments = [number for number, state in enumerate(states) if state["revision"] == revision]
    assert len(moments) == 1, "the restored registry is at no moment the writer committed"
    moment = states[moments[0]]
    assert 0 < moments[0] < len(states) - 1  # the writer had written before the backup and wrote after it

    for table, rows in restored_tables.items():
        if table in (revision_table, "sqlite_sequence"):  # SQLite's key counters: the keys are checked in the rows
            continue
        if table not in moment:  # a table the writer does not write: as it is in the source
            assert rows == source_tables[table], table
            continue
        column, largest = moment[table]
        position = restored.column(table, column)
        expected = [row for row in source_tables[table] if largest is not None and row[position] <= largest]
        assert rows == expected, f"{table} is not as it was when the writer's case {moments[0] + 1} committed"


def test_a_restore_holds_every_table_row_by_row(backups):
    source, restored = backups["source"], backups["restored"]["after"]
    source_tables, restored_tables = source.tables(), restored.tables()
    assert set(restored_tables) == set(source_tables)
    audit = "audit_auditevent"
    for table in source_tables:
        if table == "sqlite_sequence":  # SQLite's key counters: the audit log's counted the second backup's event
            assert [r for r in restored_tables[table] if r[0] != audit] == [
                r for r in source_tables[table] if r[0] != audit
            ]
        elif table != audit:
            assert restored_tables[table] == source_tables[table], table
    # The source's log has one event more: the second backup, recorded after its snapshot.
    assert len(source_tables[audit]) == len(restored_tables[audit]) + 1
    [event] = [row for row in source_tables[audit] if row not in restored_tables[audit]]
    assert restored_tables[audit] == [row for row in source_tables[audit] if row != event]
    action, details = event[source.column(audit, "action")], event[source.column(audit, "details")]
    details = json.loads(details) if isinstance(details, str) else details
    assert action == "backup"
    assert details["bytes"] == (backups["root"] / "after.bak").stat().st_size
    assert details["archive"] == "after.bak" and details["database"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert VICTIM_FIRST_NAME not in json.dumps(details)


def test_the_keys_come_back_and_identities_open(backups):
    source, restored = backups["source"], backups["restored"]["after"]
    for name in ("field_keys", "lookup_key", "secret_key"):
        assert (restored.data_dir / name).read_bytes() == (source.data_dir / name).read_bytes()
        assert (restored.data_dir / name).stat().st_mode & 0o777 == 0o600
    names, matches = _python(restored.environment, READ_IDENTITY).splitlines()[-2:]
    assert names == f"{VICTIM_FIRST_NAME} | {VICTIM_SURNAME} | {VICTIM_DNI}"
    assert int(matches) == 1 + len(backups["states"])  # the victim, and every case the writer registered with her


def test_the_archive_holds_no_identity_and_no_key_in_clear(backups):
    archive = (backups["root"] / "after.bak").read_bytes()
    ring = crypto.KeyRing.parse((backups["source"].data_dir / "field_keys").read_text())
    secrets = [VICTIM_FIRST_NAME, VICTIM_DNI, "Backup Test NGO", ring.serialise()]
    for value in [*secrets, *(key.hex() for _, key in ring.keys)]:
        assert value.encode() not in archive
    assert ON_POSTGRESQL or b"Backup Test NGO" in (backups["source"].data_dir / "amparo.sqlite3").read_bytes()


def test_rebuilt_files_stay_out_of_the_archive(backups):
    assert {"static", "statistics-snapshot.sealed", "field_keys"} <= set(backups["listing"]["source"])
    assert backups["listing"]["restored"] == sorted(
        ["field_keys", "lookup_key", "secret_key"] + ([] if ON_POSTGRESQL else ["amparo.sqlite3"])
    )


# Bad input, restored in this process: each is refused before anything is written.


def _nothing_written(parent: Path, target: Path) -> None:
    assert not target.exists()
    assert [p.name for p in parent.iterdir() if "restoring" in p.name] == []


@pytest.fixture
def archive_copy(backups, tmp_path):
    """The archive of this suite's database (restored into the test database, whose engine it must match)."""
    name = "after.bak"
    copy = tmp_path / name
    shutil.copyfile(backups["root"] / name, copy)
    return copy


@pytest.fixture
def key(backups):
    return BackupKey.read(backups["key_file"])


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_a_tampered_archive_is_refused(archive_copy, key, tmp_path, where):
    data = bytearray(archive_copy.read_bytes())
    data[{"header": 40, "middle": len(data) // 2, "end": len(data) - 3}[where]] ^= 0x20
    archive_copy.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="altered or damaged|damaged header"):
        restore(archive_copy, key, tmp_path / "target", replace=False)
    _nothing_written(tmp_path, tmp_path / "target")


@pytest.mark.django_db
def test_a_truncated_archive_is_refused(archive_copy, key, tmp_path):
    data = archive_copy.read_bytes()
    archive_copy.write_bytes(data[: len(data) - 100])
    with pytest.raises(ArchiveError, match="cut short"):
        restore(archive_copy, key, tmp_path / "target", replace=False)
    _nothing_written(tmp_path, tmp_path / "target")


@pytest.mark.django_db
def test_another_backup_key_is_refused_by_name(archive_copy, key, tmp_path):
    with pytest.raises(ArchiveError, match=f"written with the backup key {key.fingerprint}"):
        restore(archive_copy, BackupKey.generate(), tmp_path / "target", replace=False)
    _nothing_written(tmp_path, tmp_path / "target")


@pytest.mark.django_db
def test_a_directory_that_holds_data_is_not_restored_over(archive_copy, key, tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "notes.txt").write_text("kept")
    with pytest.raises(BackupError, match="is not empty; restore into a new directory, or give --replace"):
        restore(archive_copy, key, target, replace=False)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir() if "restoring" in p.name] == []


@pytest.mark.django_db
def test_field_keys_in_the_environment_that_cannot_open_the_identities_are_refused(
    archive_copy, key, tmp_path, monkeypatch
):
    monkeypatch.setenv("AMPARO_FIELD_KEYS", crypto.KeyRing.generate().serialise())
    with pytest.raises(BackupError, match="sealed with field keys k1, which neither AMPARO_FIELD_KEYS"):
        restore(archive_copy, key, tmp_path / "target", replace=False)
    _nothing_written(tmp_path, tmp_path / "target")


@pytest.mark.django_db
def test_a_database_that_holds_data_is_not_restored_over(archive_copy, key, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite restores into the new data directory; its emptiness is tested above")
    with pytest.raises(BackupError, match="is not empty; restore into an empty database"):
        restore(archive_copy, key, tmp_path / "target", replace=False)
    _nothing_written(tmp_path, tmp_path / "target")


def test_the_console_names_a_wrong_key_without_a_traceback(backups, tmp_path):
    other = tmp_path / "other.key"
    BackupKey.generate().write_new(other)
    environment = _environment(tmp_path / "restorer", None if not ON_POSTGRESQL else "postgres")
    result = _amparo(
        environment, "restore", str(backups["root"] / "after.bak"), "--data-dir", str(tmp_path / "t"),
        "--key-file", str(other),
    )  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "was written with the backup key" in result.stderr
    assert not (tmp_path / "t").exists()


def test_a_backup_key_inside_the_data_directory_is_refused(backups, tmp_path):
    source = backups["source"]
    result = _amparo(source.environment, "backup", "--new-key", str(source.data_dir / "backup.key"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "is inside the data directory" in result.stderr
    assert not (source.data_dir / "backup.key").exists()
