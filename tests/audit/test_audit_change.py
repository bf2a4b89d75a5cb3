from datetime import date

import pytest
from django.apps import apps

from amparo.audit.models import AuditAction
from amparo.audit.services import SEALED, audit_change, changed_values, is_sealed
from amparo.core.fields import EncryptedTextField
from amparo.registry.models import PersonIdentity
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME

pytestmark = pytest.mark.django_db


def test_only_changed_fields_are_kept_with_old_and_new_values():
    changes = changed_values(
        {"status": "Active", "age": 15, "when": date(2024, 1, 2)},
        {"status": "Closed", "age": 15, "when": date(2024, 1, 3)},
    )
    assert changes == {"status": {"old": "Active", "new": "Closed"}, "when": {"old": "2024-01-02", "new": "2024-01-03"}}


def test_a_field_added_or_removed_counts_as_a_change_but_empty_text_is_no_value():
    assert changed_values({}, {"legal_article": "153"}) == {"legal_article": {"old": None, "new": "153"}}
    assert changed_values({"legal_article": ""}, {"legal_article": None}) == {}


def test_every_sealed_field_of_every_model_is_sealed_in_the_log_by_its_name_or_at_the_end_of_a_path():
    sealed = {
        (m._meta.label, f.name)
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, EncryptedTextField)
    }
    assert {("registry.TraffickingEvent", "description"), ("casework.FollowUpVisit", "notes")} <= sealed
    for _, name in sealed:
        assert is_sealed(name) and is_sealed(f"events[0].{name}") and is_sealed(f"perpetrators[1].person.{name}")
    assert not is_sealed("events[0].event_type") and not is_sealed("status")


def test_an_event_description_changed_in_a_case_is_logged_sealed():
    changes = changed_values(
        {"events[0].description": "Su tía la llevó", "events[0].ubigeo": "150101"},
        {"events[0].description": "Su tío la llevó", "events[0].ubigeo": "150101"},
    )
    assert changes == {"events[0].description": {"old": SEALED, "new": SEALED}}


def test_identifying_values_are_never_logged_in_clear(registrar, victim_case):
    identity = PersonIdentity.objects.get(person=victim_case.victim)
    event = audit_change(
        user=registrar,
        obj=identity,
        before={"first_name": VICTIM_FIRST_NAME, "identity_number": VICTIM_DNI, "phone": ""},
        after={"first_name": "Otra", "identity_number": "10000001", "phone": "999888777"},
    )
    assert event.action == AuditAction.CHANGE and event.object_type == "registry.PersonIdentity"
    assert event.details["changed"] == {
        name: {"old": SEALED, "new": SEALED} for name in ("first_name", "identity_number", "phone")
    }
    assert VICTIM_FIRST_NAME not in str(event.details) and VICTIM_DNI not in str(event.details)


def test_a_change_is_logged_with_its_values_and_the_callers_details(registrar, victim_case):
    event = audit_change(
        user=registrar, obj=victim_case, before={"status": "Active"}, after={"status": "Closed"}, details={"version": 2}
    )
    assert (event.object_type, event.object_id, event.user) == ("registry.Case", str(victim_case.pk), registrar)
    assert event.details == {"version": 2, "changed": {"status": {"old": "Active", "new": "Closed"}}}


def test_a_write_that_changed_nothing_is_logged_with_nothing_changed(registrar, victim_case):
    event = audit_change(user=registrar, obj=victim_case, before={"status": "Active"}, after={"status": "Active"})
    assert event.details == {"changed": {}}
