"""The `amparo` console command: every job of Amparo as a subcommand (Django management commands underneath)."""

import os
import sys


def _amparo_commands() -> list[tuple[str, str]]:
    """(name, one-line help) of the commands Amparo's own apps provide."""
    from django.core.management import get_commands, load_command_class

    found = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("amparo."):
            help_text = str(load_command_class(app, name).help).strip().splitlines()
            found.append((name, help_text[0] if help_text else ""))
    return found


def _print_overview() -> None:
    print("Amparo: registry, case management and statistics for human-trafficking cases.\n")
    print("Usage: amparo <command> [options]    (amparo <command> --help for its options)\n")
    print("Commands:")
    for name, help_text in _amparo_commands():
        print(f"  {name:<16} {help_text}")
    print("\nDjango's own commands (migrate, createsuperuser, ...) work too: amparo help --commands")


def _console_language() -> str | None:
    """The language of the terminal (AMPARO_LANGUAGE, else LC_ALL / LC_MESSAGES / LANG), if Amparo speaks it."""
    from django.conf import settings

    for variable in ("AMPARO_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(variable, "")[:2].lower()
        if code in dict(settings.LANGUAGES):
            return code
    return None


# Commands that manage the schema themselves, or need no database.
_SCHEMA_FREE = {
    "migrate",
    "makemigrations",
    "sqlmigrate",
    "showmigrations",
    "help",
    "version",
    "check",
    "makemessages",
    "compilemessages",
    "shell",
    "dbshell",
    "squashmigrations",
    "flush",
    "demo",
    "collectstatic",
    "findstatic",
    "serve",
    "backup",  # backs up a database whatever its schema, before a migration above all
    "restore",  # writes a new data directory and an empty database
}


def _ensure_schema(command: str) -> None:
    """The embedded database is created on first use; a server database must be migrated on purpose."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    if command in _SCHEMA_FREE:
        return
    try:
        executor = MigrationExecutor(connection)
    except OperationalError as error:
        sys.exit(f"Cannot reach the database: {error}".strip())
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if connection.vendor == "sqlite":
        print("Preparing the embedded database (migrations)...", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)
        return
    sys.exit("The database schema is not up to date: run `amparo migrate` first.")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    args = sys.argv[1:] if argv is None else argv
    import django
    from django.utils import translation

    django.setup()
    language = _console_language()
    if language:
        translation.activate(language)
    if not args or args[0] in ("-h", "--help"):
        _print_overview()
        return
    from django.core.management import execute_from_command_line

    if not args[0].startswith("-") and "--help" not in args and "-h" not in args:
        _ensure_schema(args[0])
    execute_from_command_line(["amparo", *args])
