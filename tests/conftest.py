"""Test-wide set-up: a private data directory so tests never touch a real one."""

import os
import tempfile

os.environ.setdefault("AMPARO_DATA_DIR", tempfile.mkdtemp(prefix="amparo-test-"))

from tests.personas import (  # noqa: E402,F401  (shared personas, see tests/personas.py)
    administrator, analyst, case_worker, client_as, data_manager, organisation, outsider, outsider_organisation,
    personas, registrar, supervisor, victim_case,
)
