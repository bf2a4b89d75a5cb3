"""A model trained once per session on the synthetic registry's multi-source reports of 2010."""

import pytest

from amparo.linkage.domain import engine
from amparo.linkage.domain.evaluation import synthetic_records

SOURCES = ["police", "prosecutor", "ngo", "hotline"]


@pytest.fixture(scope="session")
def sources_2010():
    """(records, truth): the reports of 2010's synthetic victims by four sources, and who is who."""
    return synthetic_records("2010", "1", SOURCES, seed=1)


@pytest.fixture(scope="session")
def trained_model(sources_2010):
    records, _ = sources_2010
    return engine.score(records, threshold=0.9).model
