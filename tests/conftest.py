"""Test-wide fixtures. The private data directory is set earlier, by tests/environment.py."""

import pytest
from django.utils import translation

from tests.personas import (  # noqa: F401  (shared personas, see tests/personas.py)
    administrator,
    analyst,
    case_worker,
    client_as,
    data_manager,
    organisation,
    outsider,
    outsider_organisation,
    personas,
    registrar,
    supervisor,
    victim_case,
)


@pytest.fixture(autouse=True)
def _no_language_carried_over():
    """Every test starts in the project's default language: a test client's request activates its own
    language for the thread (as a server's worker does per request) and would leave it to the next test."""
    translation.deactivate()
    yield
    translation.deactivate()
