"""Every code a format reads or writes, or offers as an example, is a code of core.codelists: the check that
catches a misspelt code before a whole file of cases is quarantined for it."""

import importlib
import inspect
import pkgutil

import pytest

from amparo.core import codelists
from amparo.core.tabular_files import write_frame
from amparo.exchange import formats
from amparo.exchange.domain.columns import EVENTS
from amparo.exchange.formats import ctdc
from amparo.exchange.formats.amparo import template_rows
from amparo.exchange.formats.crosswalk import Crosswalk
from amparo.exchange.services import file_import
from amparo.registry.models import Organisation

FORMAT_MODULES = [
    importlib.import_module(f"{formats.__name__}.{module.name}") for module in pkgutil.iter_modules(formats.__path__)
]


def _crosswalks(where: str, value, seen: set[int]) -> list[tuple[str, Crosswalk]]:
    """The crosswalks a module-level value holds, each with where it was found: the value itself, a flag group's,
    those of a format class's attributes or of a container's items."""
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, Crosswalk):
        return [(where, value)]
    if isinstance(value, ctdc.FlagGroup):
        return [(where, value.crosswalk)]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, tuple | list):
        items = enumerate(value)
    elif inspect.isclass(value) and value.__module__.startswith(formats.__name__):
        items = vars(value).items()
    else:
        return []
    return [found for key, item in items for found in _crosswalks(f"{where}.{key}", item, seen)]


def _every_crosswalk() -> list[tuple[str, Crosswalk]]:
    seen: set[int] = set()
    return [
        found
        for module in FORMAT_MODULES
        for name, value in vars(module).items()
        for found in _crosswalks(f"{module.__name__.rsplit('.', 1)[-1]}.{name}", value, seen)
    ]


CROSSWALKS = _every_crosswalk()


def test_the_walk_reaches_the_crosswalks_of_every_coded_field_a_format_maps():
    reached = {crosswalk.codelist.name for _where, crosswalk in CROSSWALKS}
    assert reached >= {
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation",
        "recruiter_relationship",
        "prs_Gender",
    }
    assert {name for name, fmt in formats.FORMATS.items() if isinstance(fmt, ctdc.CtdcFormat)} == {
        "ctdc-legacy",
        "ctdc-synthetic",
    }


@pytest.mark.parametrize("where, crosswalk", CROSSWALKS, ids=[where for where, _crosswalk in CROSSWALKS])
def test_every_code_in_every_format_mapping_belongs_to_its_codelist(where, crosswalk):
    owned = next((c for c in codelists.ALL_CODELISTS if c.name == crosswalk.codelist.name), None)
    assert owned is crosswalk.codelist, f"{where} maps to a codelist core.codelists does not own"
    codes = {code for read in crosswalk.reads.values() for code in read} | {
        code for written in crosswalk.writes.values() for code in written
    }
    assert codes <= set(owned.values), f"{where}: {sorted(codes - set(owned.values))} are not {owned.name} codes"
    if crosswalk.terms is not None:
        assert set(crosswalk.reads) <= set(crosswalk.terms.values)


def test_a_crosswalk_to_a_code_the_codelist_lacks_stops_the_format_from_loading():
    with pytest.raises(ValueError, match="T_HouseholdActivities: not codes of vic_ForcedLabourIndustry"):
        Crosswalk(codelists.FORCED_LABOUR_INDUSTRY, {"DomesticWork": "T_HouseholdActivities"})
    with pytest.raises(ValueError, match="Agriculture: not codes of vic_ForcedLabourIndustry"):
        Crosswalk(
            codelists.FORCED_LABOUR_INDUSTRY,
            {"Agriculture": "A_AgricultureForestryAndFishing"},
            writes={"Agriculture": "Agriculture"},
        )


def test_the_event_types_of_the_case_file_columns_are_the_codelist_s():
    assert sorted(event_type for _prefix, event_type in EVENTS) == sorted(codelists.EVENT_TYPE.values)


@pytest.mark.django_db
def test_the_example_row_of_the_downloadable_template_imports_as_a_case():
    source = Organisation.objects.create(name="Plantilla", org_type="NGO")
    batch = file_import(data=write_frame(template_rows(), "csv"), file_name="plantilla.csv", source=source)
    assert (batch.format, batch.created, batch.rejected) == ("amparo", 1, 0)
