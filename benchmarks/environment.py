"""Each benchmark's Amparo: Django set up on a data directory of its own, migrated; and its sizes."""

import argparse
import os
from pathlib import Path


def parse_sized(parser: argparse.ArgumentParser, argv: list[str] | None, sizes: dict[str, dict]) -> argparse.Namespace:
    """Parse argv with a `--size` option whose value (a key of sizes) gives the other options their defaults.

    `full` is the input docs/benchmarks.md reports on; `tiny` checks in seconds that the benchmark still runs
    (tests/test_benchmarks.py runs every benchmark so)."""
    given = "; ".join(
        f"{name}: " + ", ".join(f"--{option.replace('_', '-')} {value}" for option, value in defaults.items())
        for name, defaults in sizes.items()
    )
    parser.add_argument(
        "--size",
        choices=list(sizes),
        default="full",
        help=f"the input to measure ({given}); options given explicitly win",
    )
    size = parser.parse_known_args(argv)[0].size
    parser.set_defaults(**sizes[size])
    return parser.parse_args(argv)


def migrated(data_dir: Path) -> None:
    os.environ["AMPARO_DATA_DIR"] = str(data_dir)
    # Every benchmark measures the embedded SQLite database, which it also fills or reads with sqlite3.
    os.environ.pop("AMPARO_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
