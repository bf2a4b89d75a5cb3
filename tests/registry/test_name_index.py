"""The blind index of names: every writer keeps it current, the one audited search finds by it within the
user's scope, a key rotation re-keys it."""

from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from amparo.audit.models import AuditAction, AuditEvent
from amparo.core import crypto
from amparo.exchange import formats
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import read_table
from amparo.registry import name_index
from amparo.registry.access import victims_found
from amparo.registry.models import NameToken, PersonIdentity
from amparo.registry.records import PersonRecord
from amparo.registry.services import (
    case_register,
    case_update,
    cases_bulk_register,
    cases_bulk_update,
    person_register,
)
from tests.exchange.samples import TODAY
from tests.personas import VICTIM_DNI, victim_record

pytestmark = pytest.mark.django_db

# What an import may carry: a whole name, a given name only, nothing.
NAMES_CSV = """\
source_record_id,fecha_registro,sexo,edad,nombres,apellidos
B-1,2024-03-15,Mujer,15,Rosa Milagros,Quispe Mamani
B-2,2024-03-16,Mujer,14,Flor,Ccori Huamán
B-3,2024-03-17,M,16,,
"""
# The same cases again: B-1 renamed, B-2 with a new given name only (the surnames are kept), B-3 named.
RENAMED_CSV = """\
source_record_id,fecha_registro,sexo,edad,nombres,apellidos
B-1,2024-03-15,Mujer,15,Yesenia,Condori Apaza
B-2,2024-03-16,Mujer,14,Nayeli,
B-3,2024-03-17,M,16,Kevin,Choque
"""


def _found(user, text: str) -> set[int]:
    return set(victims_found(user, text).values_list("pk", flat=True))


def _index_is_current() -> bool:
    """Every stored identity has exactly the tokens of its names under the active key, and nobody else has any."""
    key = crypto.purpose_keys(name_index.PURPOSE)[0]
    expected = {
        (person_id, token)
        for person_id, given, surnames in PersonIdentity.objects.values_list("person_id", "first_name", "second_name")
        for token in name_index.name_tokens_of(given, surnames, key)
    }
    stored = set(NameToken.objects.values_list("person_id", "token"))
    return bool(expected) and stored == expected


@pytest.mark.parametrize(
    "text",
    [
        "Zoilacunda Huamanquispe Testaroja",
        "zoilacunda huamanquispe testaroja",
        "ZÓILACUNDA HUAMÁNQUISPE",  # accents she does not have, capitals, one surname
        "Testaroja",  # the other surname alone
        "Testaroja Huamanquispe Zoilacunda",  # any order
        "Zoilacunda Huamanqispe",  # a letter missing
        "Zoilacundaa Testaroja",  # a letter too many
        "Zoilacunad Testaroja",  # two letters swapped
        "Zoilacunda Testaroha",  # a letter changed
        "  Zoilacunda-Testaroja ",
    ],
)
def test_the_victim_is_found_by_her_name_as_people_write_it(registrar, victim_case, text):
    assert _found(registrar, text) == {victim_case.victim_id}


@pytest.mark.parametrize(
    "text",
    [
        "Zoilacunda Quispe",  # a word of the search that is none of her names
        "Zoila",  # too far from Zoilacunda
        "Testaverde",
        "Zoilacundita",  # two letters too many
        "de la",  # no name word at all
    ],
)
def test_a_name_that_is_not_hers_does_not_find_her(registrar, victim_case, text):
    assert _found(registrar, text) == set()


def test_no_one_outside_the_scope_finds_her_by_name(outsider, case_worker, analyst, supervisor, victim_case):
    assert _found(outsider, "Zoilacunda Huamanquispe") == set()  # another organisation
    assert _found(case_worker, "Zoilacunda Huamanquispe") == set()  # own cases only, owns none
    assert _found(analyst, "Zoilacunda Huamanquispe") == set()  # may not see identities
    assert _found(supervisor, "Zoilacunda Huamanquispe") == {victim_case.victim_id}


def test_a_search_by_name_is_audited_with_its_count_never_the_name(registrar, outsider, victim_case):
    _found(registrar, "Zoilacunda Testaroja")
    _found(outsider, "Zoilacunda Testaroja")
    events = AuditEvent.objects.filter(action=AuditAction.IDENTITY_SEARCH).order_by("sequence")
    assert [(e.user, e.details) for e in events] == [(registrar, {"matches": 1}), (outsider, {"matches": 0})]
    assert "oilacunda" not in str(list(AuditEvent.objects.values_list("details", flat=True))).lower()


def test_the_identity_number_still_finds_her(registrar, victim_case):
    assert _found(registrar, VICTIM_DNI) == {victim_case.victim_id}


def test_a_caregiver_is_indexed_but_only_victims_are_found(registrar, victim_case):
    caregiver = person_register(person=PersonRecord(first_name="Zoilacunda", second_name="Ramos"))
    assert NameToken.objects.filter(person=caregiver).exists() and _index_is_current()
    assert _found(registrar, "Zoilacunda") == {victim_case.victim_id}


def test_an_edit_of_the_name_replaces_its_index(registrar, victim_case):
    record = victim_record()
    record.victim.first_name, record.victim.second_name = "Maribel", "Condori"
    case_update(case=victim_case, record=record, expected_version=1)
    assert _found(registrar, "Maribel Condori") == {victim_case.victim_id}
    assert _found(registrar, "Zoilacunda") == set()
    assert _index_is_current()


def test_erasing_the_name_empties_its_index(registrar, victim_case):
    record = victim_record()
    record.victim.first_name = record.victim.second_name = ""
    case_update(case=victim_case, record=record, expected_version=1)
    assert not NameToken.objects.filter(person_id=victim_case.victim_id).exists()
    assert _found(registrar, VICTIM_DNI) == {victim_case.victim_id}


def _frame(text: str):
    table = read_table(text.encode())
    return normalise_cases(formats.get("amparo").to_amparo(table, formats.ImportContext("0" * 64)), today=TODAY).frame


def test_the_bulk_writes_keep_the_index(organisation, data_manager):
    with transaction.atomic():
        ids = [i for _part, new in cases_bulk_register(frame=_frame(NAMES_CSV), source=organisation) for i in new]
    assert _index_is_current()
    assert len(_found(data_manager, "Rosa Quispe")) == 1
    assert len(_found(data_manager, "Flor Huaman")) == 1  # written Huamán

    with transaction.atomic():
        list(cases_bulk_update(frame=_frame(RENAMED_CSV), case_ids=ids))
    assert _index_is_current()
    assert _found(data_manager, "Rosa Quispe") == set()
    assert len(_found(data_manager, "Yesenia Condori Apaza")) == 1
    assert len(_found(data_manager, "Nayeli Ccori Huaman")) == 1  # the surnames the row left empty are kept
    assert _found(data_manager, "Flor") == set()
    assert len(_found(data_manager, "Kevin Choque")) == 1


def test_the_index_holds_no_name_in_clear_and_does_not_say_which_term_a_row_is(victim_case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM registry_nametoken WHERE person_id = %s ORDER BY id", [victim_case.victim_id])
        stored = [token for (token,) in cursor.fetchall()]
    assert len(stored) > 20 and all(isinstance(token, int) for token in stored)
    assert stored == sorted(stored)  # written in the order of their values, not of the words and kinds


@pytest.fixture
def own_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AMPARO_FIELD_KEYS", raising=False)
    crypto.key_ring.cache_clear()
    yield tmp_path
    crypto.key_ring.cache_clear()


def test_a_key_rotation_rekeys_the_index(own_keys, organisation, registrar):
    case = case_register(record=victim_record(), source=organisation, owner=registrar)
    before = set(NameToken.objects.values_list("token", flat=True))

    call_command("rotate_keys", "--drop-old")

    assert crypto.key_ring().old_ids == ()
    assert set(NameToken.objects.values_list("token", flat=True)).isdisjoint(before)
    assert _index_is_current()
    assert _found(registrar, "Zoilacunda Testaroja") == {case.victim_id}
    rotation = AuditEvent.objects.get(action=AuditAction.KEY_ROTATION)
    assert rotation.details["names_indexed"] == 1


def test_until_the_old_key_is_dropped_a_token_written_under_it_is_still_found(own_keys, organisation, registrar):
    case = case_register(record=victim_record(), source=organisation, owner=registrar)
    crypto.key_ring_write(crypto.key_ring().with_new_active_key())  # as a process that has not re-keyed yet
    assert _found(registrar, "Zoilacunda") == {case.victim_id}


def test_the_migration_indexes_the_names_already_stored(victim_case):
    migration = __import__("amparo.registry.migrations.0002_name_index", fromlist=["index_stored_names"])
    NameToken.objects.all().delete()
    migration.index_stored_names(apps, None)
    assert _index_is_current()


def test_a_person_registered_without_a_name_has_no_tokens(organisation):
    record = victim_record()
    record.victim.first_name = record.victim.second_name = ""
    record.victim.birthdate = date(2009, 1, 1)
    case = case_register(record=record, source=organisation)
    assert PersonIdentity.objects.filter(person_id=case.victim_id).exists()
    assert not NameToken.objects.exists()
