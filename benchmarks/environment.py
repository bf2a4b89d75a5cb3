"""Each benchmark's Amparo: Django set up on a data directory of its own, migrated."""

import os
from pathlib import Path


def migrated(data_dir: Path) -> None:
    os.environ["AMPARO_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
