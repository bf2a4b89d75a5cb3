import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from amparo.audit.models import AuditAction, AuditEvent
from amparo.core import crypto
from amparo.core.fields import encrypted_fields
from amparo.core.key_rotation import values_sealed_with
from amparo.exchange import services
from amparo.exchange.models import CaseProvenance, OriginalRowBlock
from amparo.registry.models import PersonIdentity
from amparo.registry.services import cases_register
from tests.exchange import samples
from tests.personas import VICTIM_DNI, victim_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_keys(tmp_path, monkeypatch):
    """A fresh data directory with its own key ring, so rotation never touches another test's keys."""
    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AMPARO_FIELD_KEYS", raising=False)
    crypto.key_ring.cache_clear()
    yield tmp_path
    crypto.key_ring.cache_clear()


@pytest.fixture
def identities(own_keys, organisation):
    records = [victim_record(f"R-{i}") for i in range(7)]
    for i, record in enumerate(records):
        record.victim.first_name = f"Nombre{i}"
    cases_register(records=records, source=organisation)
    return {"first_names": [f"Nombre{i}" for i in range(7)]}


def _raw_identity_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, identity_number_hash FROM registry_personidentity ORDER BY person_id")
        return cursor.fetchall()


def test_sealed_fields_are_found_in_every_app():
    found = {model._meta.label: names for model, names in encrypted_fields().items()}
    assert found["registry.PersonIdentity"] == [
        "first_name",
        "second_name",
        "birthdate",
        "identity_number",
        "address",
        "phone",
    ]
    assert found["exchange.OriginalRowBlock"] == ["rows_sealed"]


def test_rotation_reseals_every_value_with_a_new_key_and_keeps_them_readable(identities, capsys):
    hashes_before = [h for _, h in _raw_identity_columns()]
    assert {crypto.sealed_key_id(v) for v, _ in _raw_identity_columns()} == {"k1"}

    call_command("rotate_keys", "--batch-size", "3")

    assert crypto.key_ring().active_id == "k2" and crypto.key_ring().old_ids == ("k1",)
    assert {crypto.sealed_key_id(v) for v, _ in _raw_identity_columns()} == {"k2"}
    assert [h for _, h in _raw_identity_columns()] == hashes_before
    names = list(PersonIdentity.objects.order_by("person_id").values_list("first_name", flat=True))
    assert names == identities["first_names"]
    assert PersonIdentity.objects.filter(identity_number_hash=crypto.lookup_hash(VICTIM_DNI)).count() == 7
    assert "registry.PersonIdentity: 7 rows" in capsys.readouterr().out


def test_drop_old_removes_the_old_key_after_resealing(identities):
    call_command("rotate_keys", "--drop-old")
    key_file = crypto.key_ring_path()
    assert [kid for kid, _ in crypto.KeyRing.parse(key_file.read_text()).keys] == ["k2"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    crypto.key_ring.cache_clear()
    assert (
        list(PersonIdentity.objects.order_by("person_id").values_list("first_name", flat=True))
        == identities["first_names"]
    )
    assert values_sealed_with(("k1",)) == 0


def test_the_rotation_is_audited_with_counts_only(identities):
    call_command("rotate_keys", "--drop-old")
    event = AuditEvent.objects.get(action=AuditAction.KEY_ROTATION)
    assert event.details["rows_resealed"]["registry.PersonIdentity"] == 7
    assert event.details["old_keys_dropped"] == 1 and event.details["active_key"] == "k2"
    assert "Nombre" not in str(event.details) and VICTIM_DNI not in str(event.details)


def test_it_refuses_to_write_keys_that_come_from_the_environment(identities, monkeypatch, capsys):
    ring_text = crypto.key_ring().serialise()
    monkeypatch.setenv("AMPARO_FIELD_KEYS", ring_text)
    crypto.key_ring.cache_clear()
    with pytest.raises(CommandError, match="AMPARO_FIELD_KEYS"):
        call_command("rotate_keys")
    printed = crypto.KeyRing.parse(capsys.readouterr().out.strip())
    assert printed.active_id == "k2" and printed.keys[1:] == crypto.KeyRing.parse(ring_text).keys
    assert {crypto.sealed_key_id(v) for v, _ in _raw_identity_columns()} == {"k1"}  # nothing re-sealed yet

    monkeypatch.setenv("AMPARO_FIELD_KEYS", printed.serialise())
    crypto.key_ring.cache_clear()
    call_command("rotate_keys", "--reseal-only")
    assert {crypto.sealed_key_id(v) for v, _ in _raw_identity_columns()} == {"k2"}


def test_it_refuses_a_batch_size_below_one(own_keys):
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_keys", "--batch-size", "0")


def test_rotation_reseals_the_original_rows_of_imported_cases(own_keys, organisation, monkeypatch):
    monkeypatch.setattr(services, "BLOCK_ROWS", 2)
    services.file_import(data=samples.AMPARO_CSV.encode(), file_name="casos.csv", source=organisation)
    assert OriginalRowBlock.objects.count() == 2
    monkeypatch.setattr(OriginalRowBlock, "reseal_batch_size", 1)

    call_command("rotate_keys", "--drop-old")

    crypto.key_ring.cache_clear()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows_sealed FROM exchange_originalrowblock")
        assert {crypto.sealed_key_id(value) for (value,) in cursor.fetchall()} == {"k2"}
    provenance = CaseProvenance.objects.get(case__source_record_id="ONG-1")
    assert provenance.original["dni"] == "73918264"
    assert values_sealed_with(("k1",)) == 0
