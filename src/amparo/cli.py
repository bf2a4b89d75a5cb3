"""The `amparo` console command: every job of Amparo as a subcommand (Django management commands underneath)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["amparo", *(sys.argv[1:] if argv is None else argv)])
