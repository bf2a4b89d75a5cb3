"""While another writer holds the embedded database (an import stores all or nothing, in one transaction),
a real server keeps answering pages that only read, and a call that must write (an audited identity view, an
API call, each audited) waits a bounded time and then says "busy, try again" with Retry-After: never a 500, never
an unaudited view."""

import sqlite3
import subprocess
import sys

import pytest

from benchmarks.load_bench import Browser, Server, environment, prepared

IDENTITY_CASE = """
from amparo.accounts.models import User
from amparo.registry.services import case_register
from tests.personas import victim_record
user = User.objects.get(username="load_user_0")
print(case_register(record=victim_record(), source=user.organisation, owner=user).pk)
"""


@pytest.fixture
def server(tmp_path):
    env = environment(tmp_path, None)
    registry = prepared(30, 1, env, tmp_path)
    case = subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", "shell", "-c", IDENTITY_CASE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    with Server(env, threads=4) as running:
        yield running, registry, int(case), tmp_path / "amparo.sqlite3"


def _identity_views(database) -> int:
    with sqlite3.connect(database) as reader:
        return reader.execute("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'view_identity'").fetchone()[0]


def test_reading_works_and_an_identity_view_waits_then_says_busy_while_the_database_is_held(server):
    running, registry, case, database = server
    browser = Browser(running.port)
    assert browser.log_in(registry["users"][0]) == 302
    assert browser.timed_get(f"/cases/{case}/")[0] == 200
    viewed = _identity_views(database)

    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what an import's store phase holds
    try:
        for path in ("/cases/", "/", "/dashboard/hotspots/"):
            status, seconds, _headers = browser.timed_get(path)
            assert (status, path) == (200, path) and seconds < 5
        api_status, _seconds, _headers = browser.timed_get("/api/v1/stats/headline")
        status, seconds, headers = browser.timed_get(f"/cases/{case}/")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503 and headers["Retry-After"] == "30" and api_status == 503
    assert _identity_views(database) == viewed  # not shown, so not audited

    status, _seconds, _headers = browser.timed_get(f"/cases/{case}/")
    assert status == 200 and _identity_views(database) == viewed + 1
    running.__exit__(None, None, None)
    assert "Internal Server Error" not in running.errors()
