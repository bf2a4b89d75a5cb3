"""After `amparo link`, no victim's name, surname, birth date or identity number is readable in clear on disk.

The run happens in a fresh process with its own data directory (a real SQLite file in WAL mode), its own
temporary directory (TMPDIR, where Spark's private directory goes) and working directory (where DuckDB would
put a `.tmp` spill directory and Spark a warehouse), so every file it could write is read back here, with
what it printed (its log). On Spark, the run scores with the model of a DuckDB run just before it.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME, VICTIM_SURNAME

RUN = textwrap.dedent("""
    import os
    import django
    django.setup()
    import shutil
    from dataclasses import replace
    from django.conf import settings
    from django.core.management import call_command
    from amparo.registry.models import Case, Organisation
    from amparo.registry.services import case_register, cases_register
    from amparo.synth.domain import sources
    from amparo.synth.domain.generator import SynthOptions, generate
    from tests.personas import victim_record

    call_command("migrate", verbosity=0)
    police = Organisation.objects.create(name="Organisation In Clear", org_type="NGO")
    hotline = Organisation.objects.create(name="Hotline In Clear", org_type="NGO")
    case_register(record=victim_record("PERSONA-POLICE"), source=police)
    other = victim_record("PERSONA-HOTLINE")
    other.victim = replace(other.victim, first_name=other.victim.first_name.upper(), identity_number="")
    case_register(record=other, source=hotline)
    reports = sources.reports(generate(SynthOptions(first_year=2010, last_year=2010)), ["police", "hotline"], 1)
    for source, organisation in (("police", police), ("hotline", hotline)):
        cases_register(records=[r.case.record for r in reports if r.source == source], source=organisation)
    call_command("link", "--clusters-out", "clusters.csv", verbosity=3)
    if os.environ["ENGINE"] == "spark":
        call_command("link", "--engine", "spark", "--reuse-model", "--clusters-out", "clusters.csv", verbosity=3)
    from amparo.linkage.models import ClusterMembership, LinkageRun
    print("linked by:", LinkageRun.objects.latest("pk").code_version)
    keys = {ClusterMembership.objects.get(person=case.victim).cluster_key
            for case in Case.objects.filter(source_record_id__startswith="PERSONA-")}
    print("persona clusters:", len(keys))
    for path in settings.DATA_DIR.glob("amparo.sqlite3*"):  # the WAL file is gone once the last connection closes
        shutil.copyfile(path, path.with_name("open-" + path.name))
""")


@pytest.fixture(scope="module", params=["duckdb", "spark"])
def after_a_run(request, tmp_path_factory):
    if request.param == "spark" and shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java (openjdk-17-jre-headless)")
    data_dir, temporary, working = (tmp_path_factory.mktemp(name) for name in ("data", "tmp", "work"))
    repository = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "AMPARO_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
        "PYTHONPATH": os.pathsep.join([str(repository / "src"), str(repository)]),
        "TMPDIR": str(temporary),
        "ENGINE": request.param,
        "AMPARO_SPARK_MASTER": "local[1]",
    }
    for name in ("AMPARO_DATABASE_URL", "AMPARO_FIELD_KEYS"):
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", RUN],
        env=environment,
        cwd=working,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    files = [path for folder in (data_dir, temporary, working) for path in folder.rglob("*") if path.is_file()]
    return {
        "engine": request.param,
        "stdout": result.stdout,
        "names": {p.name for p in files},
        "bytes": b"".join(p.read_bytes() for p in files) + (result.stdout + result.stderr).encode("utf-8"),
    }


def test_the_run_linked_the_two_reports_of_the_persona(after_a_run):
    assert "persona clusters: 1" in after_a_run["stdout"]
    assert f", {after_a_run['engine']} " in after_a_run["stdout"]  # the last run's engine, in its code version
    assert {"amparo.sqlite3", "open-amparo.sqlite3-wal", "clusters.csv"} <= after_a_run["names"]
    assert b"Organisation In Clear" in after_a_run["bytes"]  # what is not sealed is there in clear
    assert b"PERSONA-HOTLINE" in after_a_run["bytes"]


@pytest.mark.parametrize(
    "value",
    [
        VICTIM_FIRST_NAME,
        *VICTIM_SURNAME.split(),
        VICTIM_SURNAME.replace(" ", ""),
        VICTIM_DNI,
        "2008-07-19",
        "2008-19-07",
        "19/07/2008",
    ],
)
def test_no_identifying_value_is_on_disk_or_in_the_log(after_a_run, value):
    for variant in {value, value.upper(), value.lower()}:
        assert variant.encode("utf-8") not in after_a_run["bytes"]
        assert variant.encode("utf-16-le") not in after_a_run["bytes"]
