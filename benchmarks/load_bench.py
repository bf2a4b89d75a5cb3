"""How Amparo answers many users at once: a real `amparo serve` (waitress) on 127.0.0.1, real logins.

Run with `python -m benchmarks.load_bench [--size tiny] [--cases 14000,264000] [--users 50] [--postgres URL]`.
For each database (SQLite always; PostgreSQL when a URL is given: a database of its own is created on that
server, one per size) and each registry size, a fresh data directory is filled by a real import of a
synthetic case file (benchmarks.import_bench), users are created with a password, and `amparo serve` is
started in its own process. Then:
- the baseline: one user, one request after another with no think time, each page `--repeat` times;
- the load: `--users` users, each logged in through the login form, going round the case list, a case's
  record, the dashboard and the statistics API with `--think` seconds between requests, for `--seconds`.
Prints, per page, the one-user median and the p50, p95 and max under load, requests per second and errors,
the p95 as a ratio of the one-user median, and whether the targets are met. The client runs on the same
machine as the server (one thread per user, bounded by --users), so its own work is in the figures.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

from benchmarks.environment import parse_sized

SIZES = {
    "full": {"cases": "14000,264000", "users": 50, "think": 2.0, "seconds": 60.0, "repeat": 20},
    "tiny": {"cases": "300", "users": 4, "think": 0.2, "seconds": 3.0, "repeat": 3},
}
TARGET_P95_MS = 200
TARGET_ONE_USER_LIST_MS = {"SQLite": 30, "PostgreSQL": 60}
PASSWORD = "load benchmark password 2026"
PAGES = {
    "case list": "/cases/",
    "case detail": "/cases/{case}/",
    "dashboard": "/",
    "stats API": "/api/v1/stats/headline",
}
SERVER_THREADS = 8


class Browser:
    """One user's keep-alive connection to the server, with its cookies (session and CSRF)."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        """(status, body, headers) of one request, cookies kept; a dropped keep-alive connection is reopened."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.url(path)}
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, content, dict(response.headers)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log_in(self, username: str, password: str = PASSWORD) -> int:
        """Log in through the login form; the status of the form's answer (302 when it worked)."""
        status, page, _headers = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return status
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        return self.request("POST", "/login/", form)[0]

    def timed_get(self, path: str) -> tuple[int, float, dict]:
        """(status, seconds, headers) of a GET; status 0 when the connection failed."""
        start = time.perf_counter()
        try:
            status, _body, headers = self.request("GET", path)
        except (OSError, http.client.HTTPException):
            status, headers = 0, {}
        return status, time.perf_counter() - start, headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def amparo(*args: str, env: dict, **options) -> subprocess.CompletedProcess:
    """An `amparo` command in a process of its own."""
    return subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", *args], env=env, check=True, **options
    )


class Server:
    """`amparo serve` in a process of its own, started on a free port and stopped on leaving."""

    def __init__(self, env: dict, threads: int = SERVER_THREADS):
        self.env, self.threads, self.port = env, threads, free_port()

    def __enter__(self) -> "Server":
        command = [sys.executable, "-c", "from amparo.cli import main; main()", "serve"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), "--threads", str(self.threads)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"amparo serve stopped: {self.process.stderr.read().decode()}") from None
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("amparo serve did not start listening within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def errors(self) -> str:
        """What the server wrote to its error stream (read once it stopped)."""
        return self.process.stderr.read().decode("utf-8", "replace")


def environment(data_dir: Path, database_url: str | None) -> dict:
    env = {**os.environ, "AMPARO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "amparo.settings"}
    env.pop("AMPARO_DATABASE_URL", None)
    if database_url:
        env["AMPARO_DATABASE_URL"] = database_url
    return env


def prepare(cases: int, users: int, role: str, work_dir: Path) -> dict:
    """In a process set up for the target database: migrate, import `cases` synthetic cases from one source,
    create `users` users of that source with `role`; the users' names and the range of case ids."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from amparo.exchange.services import file_import
    from amparo.registry.models import Case, Organisation
    from benchmarks.import_bench import write_case_file

    call_command("migrate", interactive=False, verbosity=0)
    source = Organisation.objects.create(name="Load benchmark", org_type="NGO", is_synthetic=True)
    path = work_dir / "cases.csv"
    write_case_file(path, cases)
    file_import(data=path.read_bytes(), file_name=path.name, source=source)
    path.unlink()
    password = make_password(PASSWORD)
    names = [f"load_user_{n}" for n in range(users)]
    get_user_model().objects.bulk_create(
        get_user_model()(username=name, password=password, role=role, organisation=source) for name in names
    )
    ids = Case.objects.order_by("id").values_list("id", flat=True)
    return {"users": names, "first_case": ids.first(), "last_case": ids.last()}


def prepared(cases: int, users: int, env: dict, work_dir: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_bench", "--prepare", str(cases), str(users), str(work_dir)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def page_paths(registry: dict, rng: random.Random) -> dict[str, str]:
    case = rng.randint(registry["first_case"], registry["last_case"])
    return {name: path.format(case=case) for name, path in PAGES.items()}


def one_user(port: int, registry: dict, repeat: int) -> dict[str, float]:
    """The median seconds of each page for one user alone, after one request to warm it."""
    browser, rng = Browser(port), random.Random(1)
    assert browser.log_in(registry["users"][0]) == 302, "the benchmark user cannot log in"
    medians = {}
    for name in PAGES:
        times = []
        for _ in range(repeat + 1):
            status, seconds, _headers = browser.timed_get(page_paths(registry, rng)[name])
            if status != 200:
                raise RuntimeError(f"{name}: status {status} for one user")
            times.append(seconds)
        medians[name] = statistics.median(times[1:])
    return medians


def under_load(port: int, registry: dict, users: int, think: float, seconds: float) -> tuple[list, float]:
    """Every user logged in, then each goes round the pages with `think` seconds between requests until
    `seconds` have passed; (page, status, seconds) of every request, and the seconds the load lasted."""
    browsers = [Browser(port) for _ in range(users)]
    for browser, name in zip(browsers, registry["users"] * users):
        if browser.log_in(name) != 302:
            raise RuntimeError(f"{name} cannot log in")
    results, lock = [], threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def user(number: int, browser: Browser) -> None:
        rng = random.Random(number)
        names = list(PAGES)
        turn = rng.randrange(len(names))
        time.sleep(rng.uniform(0, think))  # users do not all start in step
        while time.perf_counter() < deadline:
            name = names[turn % len(names)]
            status, took, _headers = browser.timed_get(page_paths(registry, rng)[name])
            with lock:
                results.append((name, status, took))
            turn += 1
            time.sleep(think)

    threads = [threading.Thread(target=user, args=(n, b)) for n, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def report(database: str, cases: int, args, baseline: dict, results: list, lasted: float) -> bool:
    """Print the figures of one run; whether it met the targets."""
    load = os.getloadavg()
    print(
        f"\n# {database}, {cases:,} cases: {args.users} users, think {args.think:.1f} s, {lasted:.1f} s;"
        f" {SERVER_THREADS} server threads; load average {load[0]:.2f} {load[1]:.2f} ({os.cpu_count()} cores,"
        " client on the same machine)"
    )
    print(
        "baseline (one user, no think time): " + ", ".join(f"{name} {baseline[name] * 1000:.2f} ms" for name in PAGES)
    )
    print(
        f"{'page':<12} {'one user':>9} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'requests':>9} {'errors':>7}"
        f" {'p95/one user':>13}"
    )
    errors = 0
    worst_p95 = 0.0
    for name in PAGES:
        times = [took for page, _status, took in results if page == name]
        failed = sum(1 for page, status, _took in results if page == name and status != 200)
        errors += failed
        p95 = percentile(times, 0.95)
        worst_p95 = max(worst_p95, p95)
        print(
            f"{name:<12} {baseline[name] * 1000:>9.2f} {percentile(times, 0.5) * 1000:>9.2f} {p95 * 1000:>9.2f}"
            f" {max(times, default=float('nan')) * 1000:>9.2f} {len(times):>9,} {failed:>7,}"
            f" {p95 / baseline[name]:>12.2f}x"
        )
    print(f"all pages: {len(results):,} requests, {len(results) / lasted:.2f} requests/s, {errors:,} errors")
    list_target = TARGET_ONE_USER_LIST_MS[database]
    met_load = worst_p95 * 1000 < TARGET_P95_MS and errors == 0
    met_list = baseline["case list"] * 1000 < list_target
    print(
        f"target p95 < {TARGET_P95_MS} ms and no errors: {'met' if met_load else 'NOT met'};"
        f" one-user case list < {list_target} ms: {'met' if met_list else 'NOT met'}"
    )
    return met_load and met_list


def postgres_database(url: str, name: str) -> str:
    """A new, empty database `name` on the server of `url`; its URL."""
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path=f"/{name}"))


def postgres_drop(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="registry sizes, comma-separated")
    parser.add_argument("--users", type=int, help="simultaneous users")
    parser.add_argument("--think", type=float, help="seconds each user waits between requests")
    parser.add_argument("--seconds", type=float, help="how long the load lasts")
    parser.add_argument("--repeat", type=int, help="requests of each page by the one user of the baseline")
    parser.add_argument("--postgres", metavar="URL", help="also measure PostgreSQL on this server (postgresql://...)")
    parser.add_argument("--prepare", nargs=3, metavar=("CASES", "USERS", "DIR"), help=argparse.SUPPRESS)
    args = parse_sized(parser, argv, SIZES)
    if args.prepare:
        cases, users, work_dir = args.prepare
        print(json.dumps(prepare(int(cases), int(users), "supervisor", Path(work_dir))))
        return 0

    databases = [("SQLite", None)]
    if args.postgres:
        databases.append(("PostgreSQL", args.postgres))
    all_met = True
    for database, url in databases:
        for cases in (int(size) for size in args.cases.split(",")):
            with tempfile.TemporaryDirectory(prefix="amparo-load-bench-") as tmp:
                database_url = url and postgres_database(url, f"amparo_load_bench_{cases}")
                env = environment(Path(tmp), database_url)
                try:
                    registry = prepared(cases, args.users, env, Path(tmp))
                    with Server(env) as server:
                        baseline = one_user(server.port, registry, args.repeat)
                        results, lasted = under_load(server.port, registry, args.users, args.think, args.seconds)
                    all_met &= report(database, cases, args, baseline, results, lasted)
                finally:
                    if database_url:
                        postgres_drop(database_url)
    print(f"\nall targets {'met' if all_met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
