"""Each benchmark's Amparo: Django set up on a data directory of its own, migrated, or served by `amparo serve`;
and its sizes."""

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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


@contextlib.contextmanager
def served(data_dir: Path, **settings: str) -> Iterator[str]:
    """`amparo serve` (waitress, as deployed) on a migrated data directory and a free port, in a process of its
    own, with extra AMPARO_* settings; yields its base URL and stops it at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {key: value for key, value in os.environ.items() if key != "AMPARO_DATABASE_URL"}
    environment.update(AMPARO_DATA_DIR=str(data_dir), **settings)
    log = data_dir / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-c", "from amparo.cli import main; main()", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"amparo serve did not start:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
