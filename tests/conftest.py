"""Test-wide fixtures. The private data directory is set earlier, by tests/environment.py."""

from tests.personas import (  # noqa: F401  (shared personas, see tests/personas.py)
    administrator, analyst, case_worker, client_as, data_manager, organisation, outsider, outsider_organisation,
    personas, registrar, supervisor, victim_case,
)
