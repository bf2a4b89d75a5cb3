"""Test-wide set-up: a private data directory so tests never touch a real one."""

import os
import tempfile

os.environ.setdefault("AMPARO_DATA_DIR", tempfile.mkdtemp(prefix="amparo-test-"))
