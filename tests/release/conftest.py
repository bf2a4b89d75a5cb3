import pytest
from django.utils import translation

from amparo.accounts.roles import Role
from amparo.synth.domain.generator import SynthOptions, generate
from amparo.synth.services import synth_load
from benchmarks.release_data import synthetic_case_table
from tests.personas import make_user

YEAR = 2010


@pytest.fixture(scope="session")
def case_table():
    """2,000 synthetic cases of 2011-2025 from the calibrated generator, as a release case table."""
    return synthetic_case_table(2000, seed=7)


@pytest.fixture
def registry_2010(db):
    """The synthetic year 2010 (253 cases, IOM's figures), loaded through the registry's services."""
    synth_load(cases=generate(SynthOptions(first_year=YEAR, last_year=YEAR)))


@pytest.fixture
def other_administrator(organisation):
    return make_user("second_administrator", Role.ADMINISTRATOR, organisation)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language; Spanish has its own tests."""
    with translation.override("en"):
        yield
