"""Exporting in Amparo or HTCDS format and importing the result gives the same cases."""

import pytest

from amparo.exchange.exports import cases_export
from amparo.exchange.selectors import cases_frame
from amparo.exchange.services import file_import
from amparo.registry.models import Organisation
from tests.exchange import samples

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt, kind", [("amparo", "csv"), ("amparo", "xlsx"), ("amparo", "json"),
                                       ("htcds", "csv"), ("htcds", "xlsx"), ("htcds", "json")])
def test_export_then_import_gives_the_same_cases(fmt, kind):
    first = Organisation.objects.create(name="Origen", org_type="NGO")
    file_import(data=samples.AMPARO_CSV.encode(), file_name="casos.csv", source=first)
    content, count = cases_export(format_name=fmt, kind=kind, source_id=first.pk, include_identities=True)
    second = Organisation.objects.create(name="Destino", org_type="NGO")
    batch = file_import(data=content, file_name=f"export.{kind}", source=second)
    assert (batch.format, batch.created, batch.rejected) == (fmt, count, 0)
    before = cases_frame(source_id=first.pk, include_identities=True).drop("case_id")
    after = cases_frame(source_id=second.pk, include_identities=True).drop("case_id")
    assert after.to_dicts() == before.to_dicts()
