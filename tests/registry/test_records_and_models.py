"""The records' field lists every writer maps by name are the models' own columns."""

from amparo.registry.identities import IDENTITY_FIELDS
from amparo.registry.models import Case, CaseCode, PersonIdentity
from amparo.registry.records import CASE_SCALARS, CODE_LISTS

# Case columns no record carries: derived by the registry, or kept by it.
NOT_FROM_RECORDS = {
    "department_code",
    "province_code",
    "district_code",
    "family_facilitated",
    "is_synthetic",
    "created_at",
    "updated_at",
    "version",
    "record_key",  # drawn by the registry when the case is stored (amparo.core.record_keys)
}


def test_a_case_record_s_own_values_are_exactly_the_case_s_plain_columns():
    plain = [f.name for f in Case._meta.concrete_fields if not f.is_relation and not f.primary_key]
    assert sorted(CASE_SCALARS) == sorted(set(plain) - NOT_FROM_RECORDS)


def test_each_list_of_codes_is_stored_under_a_field_of_case_codes():
    assert [field for field, _attribute, _codelist in CODE_LISTS] == list(CaseCode.Field.values)


def test_the_sealed_identity_fields_are_those_a_person_record_brings():
    sealed = [f.name for f in PersonIdentity._meta.concrete_fields if f.get_internal_type() == "TextField"]
    assert IDENTITY_FIELDS == ("first_name", "second_name", "birthdate", "identity_number")
    assert set(IDENTITY_FIELDS) == set(sealed) - {"address", "phone"}  # recorded in casework, never in a record
