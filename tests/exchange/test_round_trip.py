"""Exporting in Amparo or HTCDS format and importing the result into an empty registry gives the same cases."""

import pytest

from amparo.exchange.exports import cases_export
from amparo.exchange.models import CaseProvenance, ImportBatch
from amparo.exchange.selectors import cases_frame
from amparo.exchange.services import file_import
from amparo.registry.models import Case, Organisation, Person
from tests.exchange import samples

pytestmark = pytest.mark.django_db


def _empty_registry():
    CaseProvenance.objects.all().delete()
    ImportBatch.objects.all().delete()
    Case.objects.all().delete()
    Person.objects.all().delete()


@pytest.mark.parametrize("fmt, kind", [("amparo", "csv"), ("amparo", "xlsx"), ("amparo", "json"),
                                       ("htcds", "csv"), ("htcds", "xlsx"), ("htcds", "json")])
def test_export_then_import_into_an_empty_registry_gives_the_same_cases(fmt, kind):
    source = Organisation.objects.create(name="Origen", org_type="NGO")
    file_import(data=samples.AMPARO_CSV.encode(), file_name="casos.csv", source=source)
    before = cases_frame(include_identities=True).drop("case_id")
    content, count = cases_export(format_name=fmt, kind=kind, include_identities=True)
    _empty_registry()
    batch = file_import(data=content, file_name=f"export.{kind}", source=source)
    assert (batch.format, batch.created, batch.rejected, count) == (fmt, len(samples.AMPARO_VALID_IDS), 0, before.height)
    assert cases_frame(include_identities=True).drop("case_id").to_dicts() == before.to_dicts()
