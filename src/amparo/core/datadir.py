"""The data directory: the embedded database, the keys and uploads live here, never in the repository."""

import os
import secrets
from pathlib import Path

from platformdirs import user_data_dir


def data_dir() -> Path:
    path = Path(os.environ.get("AMPARO_DATA_DIR") or user_data_dir("amparo", appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def secret_from_file(path: Path, nbytes: int = 48) -> str:
    """Read a secret from `path`, creating it (readable by its owner only) on first use."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = secrets.token_urlsafe(nbytes)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        return value
