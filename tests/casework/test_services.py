"""Registering and editing cases: ownership, validation, audit of old/new values, optimistic locking."""

import json
from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from amparo.audit.models import AuditEvent
from amparo.casework.models import CaseEditConflict
from amparo.casework.selectors import case_record_of
from amparo.casework.services import EditConflict, case_create, case_update
from amparo.registry.models import Case, Perpetrator, PersonIdentity
from amparo.registry.records import EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import InvalidCase

from .conftest import family_record

pytestmark = pytest.mark.django_db


def test_a_registered_case_is_owned_by_its_registrar_and_audited(registrar):
    case = case_create(record=family_record("NEW-1"), user=registrar)
    assert case.owner == registrar and case.source_organisation == registrar.organisation
    assert case.family_facilitated
    event = AuditEvent.objects.get(action="create", object_id=str(case.pk))
    assert "Chaska" not in json.dumps(event.details)


def test_analysts_cannot_register(analyst):
    with pytest.raises(PermissionDenied):
        case_create(record=family_record("NEW-2"), user=analyst)


def test_it_refuses_a_source_record_id_already_used_by_the_organisation(registrar, family_case):
    with pytest.raises(InvalidCase) as invalid:
        case_create(record=family_record(family_case.source_record_id), user=registrar)
    assert invalid.value.problems[0].field == "source_record_id"


def test_an_edit_updates_the_case_bumps_the_version_and_audits_old_and_new_values(family_case, case_worker):
    record = case_record_of(family_case, with_identities=True)
    edited = replace(
        record,
        status="FollowUp",
        perpetrators=[replace(record.perpetrators[0], relationship="stranger", lives_in_household=False)],
        events=[EventRecord("Exploitation", "080101")],
        victim=replace(record.victim, identity_number="79990002"),
    )
    case = case_update(case=family_case, record=edited, expected_version=1, user=case_worker)
    assert (case.version, case.status, case.family_facilitated, case.district_code) == (2, "FollowUp", False, "080101")
    assert PersonIdentity.objects.get(person=case.victim).identity_number == "79990002"
    assert Perpetrator.objects.get(case=case).person.identity.identity_number == "41234567"  # kept in place
    changed = AuditEvent.objects.get(action="change", object_id=str(case.pk)).details["changed"]
    assert changed["status"] == {"old": "Active", "new": "FollowUp"}
    assert changed["perpetrators[0].relationship"] == {"old": "parent", "new": "stranger"}
    assert changed["victim.identity_number"] == {"old": "[sealed]", "new": "[sealed]"}
    assert "79990002" not in json.dumps(changed)


def test_the_second_of_two_concurrent_edits_is_refused_and_kept(family_case, case_worker, supervisor):
    opened = case_record_of(family_case, with_identities=True)
    case_update(case=family_case, record=replace(opened, status="FollowUp"), expected_version=1, user=case_worker)
    with pytest.raises(EditConflict) as conflict:
        case_update(
            case=family_case, record=replace(opened, legal_article="CP-129-A"), expected_version=1, user=supervisor
        )
    stored = Case.objects.get(pk=family_case.pk)
    assert (stored.status, stored.legal_article, stored.version) == ("FollowUp", "", 2)
    kept = CaseEditConflict.objects.get(pk=conflict.value.conflict.pk)
    assert (kept.user, kept.expected_version, kept.current_version) == (supervisor, 1, 2)
    assert json.loads(kept.submitted)["legal_article"] == "CP-129-A"
    assert AuditEvent.objects.filter(action="refuse", object_id=str(family_case.pk)).count() == 1
    with pytest.raises(EditConflict):  # and again, still stale
        case_update(case=family_case, record=opened, expected_version=1, user=supervisor)


def test_the_refused_version_is_sealed_at_rest(family_case, supervisor):
    opened = case_record_of(family_case, with_identities=True)
    Case.objects.filter(pk=family_case.pk).update(version=5)
    with pytest.raises(EditConflict):
        case_update(case=family_case, record=opened, expected_version=1, user=supervisor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT submitted FROM casework_caseeditconflict")
        (raw,) = cursor.fetchone()
    assert "Chaska" not in raw and "79990001" not in raw


def test_an_invalid_edit_changes_nothing(family_case, case_worker):
    record = case_record_of(family_case, with_identities=True)
    bad = replace(record, perpetrators=[PerpetratorRecord("cousin-ish")], victim=PersonRecord(citizenship="ZZ"))
    with pytest.raises(InvalidCase) as invalid:
        case_update(case=family_case, record=bad, expected_version=1, user=case_worker)
    assert {p.field for p in invalid.value.problems} == {"recruiter_relationship", "prs_Citizenship"}
    assert Case.objects.get(pk=family_case.pk).version == 1


def test_edits_outside_the_users_scope_are_refused(family_case, outsider, analyst):
    record = case_record_of(family_case, with_identities=False)
    for user in (outsider, analyst):
        with pytest.raises(PermissionDenied):
            case_update(case=family_case, record=record, expected_version=1, user=user)


def test_removing_a_perpetrator_recomputes_family_facilitated(family_case, case_worker):
    record = case_record_of(family_case, with_identities=True)
    case = case_update(case=family_case, record=replace(record, perpetrators=[]), expected_version=1, user=case_worker)
    assert not case.family_facilitated and not Perpetrator.objects.filter(case=case).exists()
    assert case.registration_date == date(2024, 2, 1)
