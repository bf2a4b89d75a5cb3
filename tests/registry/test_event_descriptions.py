"""Events' descriptions are free text that may name people: sealed at rest, whichever way they are written."""

from dataclasses import replace

import pytest
from django.db import connection

from amparo.core import crypto
from amparo.exchange.services import file_import
from amparo.registry.models import Organisation, TraffickingEvent
from amparo.registry.records import EventRecord
from amparo.registry.services import cases_register
from tests.personas import victim_record

WHAT_HAPPENED = "Su tío Teodoro la llevó a La Rinconada"


def _stored() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM registry_traffickingevent WHERE description <> '' ORDER BY id")
        return [value for (value,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_description_is_sealed_by_the_registry_service_and_by_the_bulk_import():
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    record = replace(victim_record(), events=[EventRecord("Exploitation", "211101", description=WHAT_HAPPENED)])
    cases_register(records=[record], source=source)
    file_import(
        data=(
            "source_record_id,registration_date,exploitation_ubigeo,exploitation_description\n"
            f"D-1,2024-01-02,211101,{WHAT_HAPPENED}\n"
        ).encode(),
        file_name="d.csv",
        source=source,
    )
    stored = _stored()
    assert len(stored) == 2 and all(WHAT_HAPPENED not in value for value in stored)
    assert [crypto.open_sealed(value) for value in stored] == [WHAT_HAPPENED] * 2
    assert set(TraffickingEvent.objects.exclude(description="").values_list("description", flat=True)) == {
        WHAT_HAPPENED
    }
