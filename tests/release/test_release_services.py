"""Releases in the database: the command's files, the budget ledger, the approval rule, bad input."""

import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from amparo.accounts.roles import Role
from amparo.audit.models import AuditAction, AuditEvent
from amparo.release import services
from amparo.release.models import Release, ReleaseApproval
from amparo.release.services import ReleaseRefused

YEAR = 2010


def test_the_command_writes_the_five_files_with_k_anonymous_microdata(registry_2010, data_manager, tmp_path):
    out = tmp_path / "release-2010"
    call_command("release", "--year", str(YEAR), "--out", str(out), "--k", "5", "--user", data_manager.username)

    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["release.json", "tables.json", "tables.xlsx", "microdata.csv", "synthetic.csv"]
    )
    summary = json.loads((out / "release.json").read_text())
    assert summary["year"] == YEAR and summary["unit"] == "cases" and summary["approved"] is False
    assert summary["parameters"]["k"] == 5
    assert summary["privacy_budget"]["spent_by_this_release"] == pytest.approx(6.0)
    assert summary["code_version"]
    assert set(summary["accuracy"]["tables"]) >= {"total", "department", "sex", "department_exploitation"}
    assert {e["columns"] for e in summary["accuracy"]["synthetic"]["marginal_errors"]} == {1, 2, 3}

    microdata = pd.read_csv(out / "microdata.csv", dtype=str, keep_default_na=False)
    assert microdata.groupby(list(microdata.columns)).size().min() >= 5
    assert len(microdata) + summary["accuracy"]["microdata"]["rows_suppressed"] == 253
    assert summary["accuracy"]["microdata"]["rows_suppressed"] <= 0.05 * 253
    assert "id" not in microdata.columns and set(microdata["year"]) <= {"2010", ""}

    tables = json.loads((out / "tables.json").read_text())
    by_slug = {t["slug"]: t for t in tables["tables"]}
    assert sum(r["count"] for r in by_slug["department"]["rows"]) == tables["total"]
    assert sum(r["count"] for r in by_slug["sex"]["rows"]) == tables["total"]
    synthetic = pd.read_csv(out / "synthetic.csv", dtype=str, keep_default_na=False)
    assert list(synthetic.columns) == list(microdata.columns)
    workbook = pd.read_excel(out / "tables.xlsx", sheet_name=None, engine="calamine")
    assert "department" in workbook and "contents" in workbook

    release = Release.objects.get()
    assert release.created_by == data_manager
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(release.pk)).exists()


def test_the_ledger_refuses_a_release_that_would_exceed_the_year_budget(registry_2010, data_manager, settings):
    settings.RELEASE_EPSILON_PER_YEAR = 8.0
    services.release_create(user=data_manager, year=YEAR, epsilon_tables=2.0, epsilon_synthetic=4.0)
    with pytest.raises(ReleaseRefused, match="spent epsilon 6 of the 8 allowed; this one would spend 3 more"):
        services.release_create(user=data_manager, year=YEAR, epsilon_tables=1.0, epsilon_synthetic=2.0)
    services.release_create(user=data_manager, year=YEAR, epsilon_tables=0.5, epsilon_synthetic=1.5)
    assert Release.objects.count() == 2
    # Another year has its own budget.
    with pytest.raises(ReleaseRefused, match="No cases are registered in 2011"):
        services.release_create(user=data_manager, year=2011)


def test_the_creator_cannot_approve_and_another_administrator_can(registry_2010, administrator, other_administrator):
    release = services.release_create(user=administrator, year=YEAR)
    with pytest.raises(ReleaseRefused, match="did not create the release"):
        services.release_approve(release=release, user=administrator)
    assert AuditEvent.objects.filter(action=AuditAction.REFUSE, object_id=str(release.pk)).exists()
    services.release_approve(release=release, user=other_administrator)
    assert ReleaseApproval.objects.get().approved_by == other_administrator
    assert AuditEvent.objects.filter(action=AuditAction.APPROVE, user=other_administrator).exists()
    with pytest.raises(ReleaseRefused, match="already approved"):
        services.release_approve(release=release, user=other_administrator)


@pytest.mark.parametrize("role", [Role.DATA_MANAGER, Role.ANALYST, Role.SUPERVISOR])
def test_only_an_administrator_approves(registry_2010, personas, other_administrator, role):
    release = services.release_create(user=other_administrator, year=YEAR)
    with pytest.raises(ReleaseRefused, match="Only an administrator approves"):
        services.release_approve(release=release, user=personas[role])
    assert not ReleaseApproval.objects.exists()


def test_bypassing_the_service_cannot_self_approve_or_change_a_release(registry_2010, administrator):
    release = services.release_create(user=administrator, year=YEAR)
    with pytest.raises(ValueError, match="approved by an administrator who did not create it"):
        ReleaseApproval.objects.create(release=release, approved_by=administrator)
    with pytest.raises(ValueError, match="immutable"):
        release.save()
    with pytest.raises(ValueError, match="immutable"):
        release.delete()
    with pytest.raises((DatabaseError, IntegrityError), match="immutable"), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(epsilon_spent=0.1)
    with (
        pytest.raises((DatabaseError, IntegrityError), match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE release_release SET year = 2011")
    assert Release.objects.get().year == YEAR


def test_the_command_approves_for_another_administrator(registry_2010, administrator, other_administrator, tmp_path):
    call_command("release", "--year", str(YEAR), "--out", str(tmp_path / "r"), "--user", administrator.username)
    release = Release.objects.get()
    with pytest.raises(CommandError, match="did not create the release"):
        call_command("release", "--approve", str(release.pk), "--user", administrator.username)
    call_command("release", "--approve", str(release.pk), "--user", other_administrator.username)
    assert ReleaseApproval.objects.filter(release=release).exists()


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["--year", "2011"], "No cases are registered in 2011: there is nothing to release."),
        (["--year", "2010", "--k", "300"], "k = 300 is larger than the 253 cases of 2010."),
        (["--year", "2010", "--k", "1"], "k must be a whole number of at least 2, not 1."),
        (["--year", "2010", "--epsilon-tables", "0"], "--epsilon-tables must be a number greater than 0, not 0.0."),
        (
            ["--year", "2010", "--epsilon-synthetic", "-1"],
            "--epsilon-synthetic must be a number greater than 0, not -1.0.",
        ),
        (["--year", "2010", "--epsilon-tables", "nan"], "--epsilon-tables must be a number greater than 0, not nan."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(registry_2010, data_manager, tmp_path, arguments, message):
    with pytest.raises(CommandError) as refused:
        call_command("release", *arguments, "--out", str(tmp_path / "r"), "--user", data_manager.username)
    assert str(refused.value) == message
    assert not Release.objects.exists()


def test_roles_that_do_not_publish_cannot_make_a_release(registry_2010, analyst):
    with pytest.raises(ReleaseRefused, match="Only data managers and administrators make releases"):
        services.release_create(user=analyst, year=YEAR)


def test_the_output_directory_must_be_new_or_empty(registry_2010, tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="must be a new or empty directory"):
        call_command("release", "--year", str(YEAR), "--out", str(tmp_path))
