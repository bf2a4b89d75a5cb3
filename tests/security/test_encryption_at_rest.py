"""A victim registered through the registry service leaves no identifying value in clear in the database files,
nor any term of her name's blind index."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from amparo.core.names import index_terms
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME, VICTIM_SURNAME

# Runs in a fresh process with its own data directory, so the real settings create
# a real SQLite file in WAL mode (the test database is in memory).
REGISTER = textwrap.dedent("""
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from amparo.core import crypto
    from amparo.registry.models import NameToken, Organisation, Person, PersonIdentity
    from amparo.registry.name_index import people_named
    from amparo.registry.services import case_register
    from tests.personas import VICTIM_DNI, victim_record
    source = Organisation.objects.create(name="Organisation In Clear", org_type="NGO")
    case_register(record=victim_record(), source=source)
    print(NameToken.objects.count(), Person.objects.filter(people_named("zoilacunda testarojas")).count())
    print(PersonIdentity.objects.filter(identity_number_hash=crypto.lookup_hash(VICTIM_DNI)).count())
    # Copy the files while the connection is open: the WAL file is gone once the last connection closes.
    import shutil
    from django.conf import settings
    for path in settings.DATA_DIR.glob("amparo.sqlite3*"):
        shutil.copyfile(path, path.with_name("open-" + path.name))
""")


@pytest.fixture(scope="module")
def database_files(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("amparo-at-rest")
    repository = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "AMPARO_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
        "PYTHONPATH": os.pathsep.join([str(repository / "src"), str(repository)]),
    }  # this checkout's code
    environment.pop("AMPARO_DATABASE_URL", None)
    environment.pop("AMPARO_FIELD_KEYS", None)
    result = subprocess.run(
        [sys.executable, "-c", REGISTER], env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    files = sorted(data_dir.glob("*amparo.sqlite3*"))
    *_, (tokens, name_matches), (lookup_matches,) = (line.split() for line in result.stdout.strip().splitlines())
    return {
        "lookup_matches": int(lookup_matches),
        "name_tokens": int(tokens),
        "name_matches": int(name_matches),
        "bytes": b"".join(path.read_bytes() for path in files),
        "names": [p.name for p in files],
    }


def test_the_files_read_are_the_database(database_files):
    assert {"amparo.sqlite3", "open-amparo.sqlite3-wal"} <= set(database_files["names"])
    assert b"Organisation In Clear" in database_files["bytes"]  # what is not sealed is there in clear


@pytest.mark.parametrize("value", [VICTIM_FIRST_NAME, *VICTIM_SURNAME.split(), VICTIM_DNI, "2008-07-19"])
def test_no_identifying_value_is_stored_in_clear(database_files, value):
    for variant in {value, value.upper(), value.lower()}:
        assert variant.encode("utf-8") not in database_files["bytes"]
        assert variant.encode("utf-16-le") not in database_files["bytes"]


def test_the_keyed_hash_finds_the_person_by_identity_number(database_files):
    assert database_files["lookup_matches"] == 1


def _folded_terms() -> set[str]:
    """The text of every term the name index hashes for her name (whole words, deletions, sounds, run together)."""
    return {term.split(":", 1)[1] for term in index_terms(VICTIM_FIRST_NAME, VICTIM_SURNAME)}


def test_her_name_is_indexed_and_found_by_it(database_files):
    assert database_files["name_tokens"] > 20 and database_files["name_matches"] == 1


@pytest.mark.parametrize("term", sorted(t for t in _folded_terms() if len(t) >= 6))
def test_no_term_of_the_name_index_is_stored_in_clear(database_files, term):
    for variant in {term, term.upper(), term.capitalize()}:
        assert variant.encode("utf-8") not in database_files["bytes"]
