"""Loaded by pytest before Django (see addopts in pyproject.toml): a private data directory,
so the tests never touch a real one, its keys or its database."""

import os
import tempfile

os.environ["AMPARO_DATA_DIR"] = tempfile.mkdtemp(prefix="amparo-test-")
