from datetime import date

import pytest

from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.services import SEALED, audit_change, changed_values
from amparo.registry.models import PersonIdentity
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME

pytestmark = pytest.mark.django_db


def test_only_changed_fields_are_kept_with_old_and_new_values():
    changes = changed_values({"status": "Active", "age": 15, "when": date(2024, 1, 2)},
                             {"status": "Closed", "age": 15, "when": date(2024, 1, 3)}, frozenset())
    assert changes == {"status": {"old": "Active", "new": "Closed"},
                       "when": {"old": "2024-01-02", "new": "2024-01-03"}}


def test_a_field_added_or_removed_counts_as_a_change():
    assert changed_values({}, {"legal_article": "153"}, frozenset()) == {
        "legal_article": {"old": None, "new": "153"}}


def test_identifying_values_are_never_logged_in_clear(registrar, victim_case):
    identity = PersonIdentity.objects.get(person=victim_case.victim)
    event = audit_change(registrar, identity,
                         {"first_name": VICTIM_FIRST_NAME, "identity_number": VICTIM_DNI, "phone": ""},
                         {"first_name": "Otra", "identity_number": "10000001", "phone": "999888777"})
    assert event.action == AuditAction.CHANGE and event.object_type == "registry.PersonIdentity"
    assert event.details["changes"] == {name: {"old": SEALED, "new": SEALED}
                                        for name in ("first_name", "identity_number", "phone")}
    assert VICTIM_FIRST_NAME not in str(event.details) and VICTIM_DNI not in str(event.details)


def test_a_case_change_is_logged_with_its_values(registrar, victim_case):
    event = audit_change(registrar, victim_case, {"status": "Active"}, {"status": "Closed"})
    assert (event.object_type, event.object_id, event.user) == ("registry.Case", str(victim_case.pk), registrar)
    assert event.details == {"changes": {"status": {"old": "Active", "new": "Closed"}}}


def test_nothing_is_written_when_nothing_changed(registrar, victim_case):
    assert audit_change(registrar, victim_case, {"status": "Active"}, {"status": "Active"}) is None
    assert not AuditEvent.objects.exists()
