"""`amparo import` reads the synthetic case file and finds the same 2010 figures in the database."""

import io

import pytest
from django.core.management import call_command, get_commands
from django.db.models import Count

from amparo.registry.models import Case


@pytest.mark.django_db
def test_importing_the_case_file_gives_the_iom_figures(registry_2010):
    if "import" not in get_commands():
        pytest.skip("the import command is not installed")
    call_command(
        "import",
        str(registry_2010 / "cases.csv"),
        source="Importación de prueba (sintético)",
        source_type="NGO",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    counts = dict(Case.objects.values_list("department_code").annotate(n=Count("id")))
    assert sum(counts.values()) == 253
    assert counts["15"] == 120 and round(100 * counts["08"] / 253) == 14
    assert Case.objects.filter(department_code="15", family_facilitated=True).count() == 110
