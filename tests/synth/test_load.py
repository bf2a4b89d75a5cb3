"""The 2010 figures hold in the database after `amparo synth --load`, counted with the ORM."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from amparo.registry.models import Case, Organisation, Perpetrator, Person

RELATIVES = ["parent", "step_parent", "sibling", "grandparent", "uncle_aunt", "other_relative"]


@pytest.fixture
def loaded(db):
    output = io.StringIO()
    call_command("synth", years="2010", stdout=output)
    return output.getvalue()


def _by_department():
    return {row["department_code"]: row["n"] for row in Case.objects.values("department_code").annotate(n=Count("id"))}


def test_it_loads_253_cases_with_the_iom_distribution(loaded):
    counts = _by_department()
    assert sum(counts.values()) == 253
    assert counts["15"] == 120
    assert round(100 * counts["08"] / 253) == 14
    assert counts["08"] > counts["17"] > counts["16"] > counts["25"]
    assert counts["25"] > max(n for d, n in counts.items() if d not in {"15", "08", "17", "16", "25"})


def test_110_lima_cases_are_family_facilitated_in_the_database(loaded):
    lima = Case.objects.filter(department_code="15")
    assert lima.filter(family_facilitated=True).count() == 110
    others = lima.filter(family_facilitated=False)
    assert others.count() == 10
    suspicious = Perpetrator.objects.filter(case__in=others).filter(
        Q(relationship__in=RELATIVES) | Q(lives_in_household=True)
    )
    assert not suspicious.exists()


def test_the_family_flag_agrees_with_the_perpetrators_stored(loaded):
    with_family = set(
        Perpetrator.objects.filter(Q(relationship__in=RELATIVES) | Q(lives_in_household=True)).values_list(
            "case_id", flat=True
        )
    )
    flagged = set(Case.objects.filter(family_facilitated=True).values_list("id", flat=True))
    assert with_family == flagged


def test_everything_loaded_is_labelled_synthetic(loaded):
    assert not Case.objects.filter(is_synthetic=False).exists()
    assert not Person.objects.filter(is_synthetic=False).exists()
    organisations = Organisation.objects.filter(cases__isnull=False).distinct()
    assert organisations.count() >= 3
    for organisation in organisations:
        assert organisation.is_synthetic
        assert "(sintético)" in organisation.name
    assert "SYNTHETIC" in loaded
    assert "2010" in loaded and "253" in loaded


def test_some_cases_have_several_perpetrators_some_in_the_household(loaded):
    sizes = Case.objects.annotate(n=Count("perpetrators")).values_list("n", flat=True)
    assert min(sizes) >= 1 and max(sizes) >= 3
    assert Perpetrator.objects.filter(lives_in_household=True).exists()


def test_it_refuses_to_load_the_same_cases_twice(loaded):
    with pytest.raises(CommandError, match="already loaded"):
        call_command("synth", years="2010", stdout=io.StringIO())
    assert Case.objects.count() == 253


@pytest.mark.django_db
def test_multi_source_files_do_not_change_what_is_loaded(tmp_path):
    call_command(
        "synth", years="2010", out=str(tmp_path), load=True, sources="police,prosecutor,ngo", stdout=io.StringIO()
    )
    assert Case.objects.count() == 253
    assert _by_department()["15"] == 120
    assert (tmp_path / "sources" / "ground_truth.csv").exists()
