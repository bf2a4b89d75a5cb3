"""Amparo behind a TLS reverse proxy, on real servers: `amparo serve` (waitress) in a process of its own, with
its own data directory, and nginx in front of it terminating TLS with a certificate made here.

Clients connect from distinct loopback addresses (127.0.0.2, 127.0.0.3), so the address nginx sees, forwards
and Amparo records is each client's own, not the proxy's (127.0.0.1).
"""

import datetime
import grp
import http.client
import ipaddress
import os
import pwd
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import amparo
from tests.personas import PASSWORD

USERNAME = "clerk"
WRONG = "not-the-password-42"
HOST = "localhost"  # the site's name, as the proxy passes it on (standard ports: no port in it)
PROXY = "127.0.0.1"  # where nginx connects to Amparo from
CLIENT, OTHER_CLIENT = "127.0.0.2", "127.0.0.3"
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATIC_FILE = "/static/amparo/amparo.css"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped (exit {process.returncode}):\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after 60 s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _amparo_env(data_dir: Path, **settings: str) -> dict:
    """A fresh environment: the server's own data directory and SQLite database, whatever the suite runs on,
    and the code under test (the checkout the tests import, not an installed copy)."""
    return {
        "AMPARO_DATA_DIR": str(data_dir),
        "PATH": "/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "PYTHONPATH": str(Path(amparo.__file__).parents[1]),
        **settings,
    }


def _amparo(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=_amparo_env(data_dir),
        timeout=600,
        check=True,
    )


@pytest.fixture(scope="module")
def prepared_data_dir(tmp_path_factory) -> Path:
    """A migrated data directory with one user who can log in; each server gets a copy of it."""
    data_dir = tmp_path_factory.mktemp("amparo-prepared")
    _amparo(data_dir, "migrate", "--verbosity", "0")
    _amparo(
        data_dir,
        "shell",
        "-c",
        f"from amparo.accounts.models import User; User.objects.create_user({USERNAME!r}, password={PASSWORD!r})",
    )
    return data_dir


@pytest.fixture
def amparo_server(prepared_data_dir, tmp_path):
    """Starts `amparo serve` with the given settings on a free port; yields (port, data directory)."""
    started = []

    def start(**settings: str) -> tuple[int, Path]:
        data_dir = tmp_path / f"amparo-{len(started)}"
        shutil.copytree(prepared_data_dir, data_dir)
        port = _free_port()
        log = tmp_path / f"amparo-{len(started)}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-c", "from amparo.cli import main; main()", "serve", "--port", str(port)],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=_amparo_env(data_dir, **settings),
            )
        started.append(process)
        _wait_for_port(port, process, log)
        return port, data_dir

    yield start
    for process in started:
        _stop(process)


def _audited_addresses(data_dir: Path, action: str) -> list[str]:
    """Read from the server's database file itself, as an administrator's query would."""
    with sqlite3.connect(data_dir / "amparo.sqlite3") as database:
        rows = database.execute(
            "SELECT ip_address FROM audit_auditevent WHERE action = ? ORDER BY id", (action,)
        ).fetchall()
    return [address for (address,) in rows]


class Client:
    """A browser at one loopback address: keeps its cookies, sends the site's Host, logs in with the form."""

    def __init__(self, address: str, *, port: int, tls: ssl.SSLContext | None = None, scheme: str = ""):
        self.address, self.port, self.tls = address, port, tls
        self.scheme = scheme or ("https" if tls else "http")  # as the browser sees the site
        self.cookies: dict[str, str] = {}
        self.last_cookies = SimpleCookie()

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{HOST}"

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        if self.tls:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=self.tls, source_address=(self.address, 0), timeout=30
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, source_address=(self.address, 0), timeout=30
            )
        sent = {"Host": HOST, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        encoded = None
        if body is not None:
            encoded = urlencode(body)
            sent |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}{path}",
            }
        try:
            connection.request(method, path, body=encoded, headers=sent)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.last_cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.last_cookies.load(header)
        self.cookies |= {name: morsel.value for name, morsel in self.last_cookies.items()}
        return response, content

    def log_in(self, password: str, headers: dict | None = None):
        _, page = self.request("GET", "/login/", headers=headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no login form: {page[:300]!r}"
        response, _ = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": USERNAME, "password": password},
            headers,
        )
        return response


# Straight to waitress: forwarding headers count only when configured, and only from the proxy's address.


def test_without_a_configured_proxy_a_spoofed_forwarded_for_is_ignored(amparo_server):
    port, data_dir = amparo_server()
    client = Client(CLIENT, port=port)
    assert client.log_in(PASSWORD, {"X-Forwarded-For": "6.6.6.6"}).status == 302
    assert _audited_addresses(data_dir, "login") == [CLIENT]


def test_behind_a_proxy_only_the_proxy_address_is_believed(amparo_server):
    port, data_dir = amparo_server(AMPARO_HTTPS="True", AMPARO_PROXY_ADDRESS=PROXY)
    # A client that reaches waitress directly cannot claim HTTPS nor another address: it is redirected.
    stranger = Client(CLIENT, port=port)
    response, _ = stranger.request(
        "GET", "/login/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "6.6.6.6"}
    )
    assert (response.status, response.getheader("Location")) == (301, f"https://{HOST}/login/")
    # From the proxy's own address, the same headers are the proxy's word.
    proxy = Client(PROXY, port=port, scheme="https")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "6.6.6.6, 10.20.30.40"}
    response, _ = proxy.request("GET", "/login/", headers=forwarded)
    assert response.status == 200
    assert proxy.log_in(PASSWORD, forwarded).status == 302
    assert _audited_addresses(data_dir, "login") == ["10.20.30.40"]  # the entry the proxy appended


def test_static_files_carry_the_security_headers_of_pages(amparo_server):
    port, _ = amparo_server()
    client = Client(CLIENT, port=port)
    page, _ = client.request("GET", "/login/")
    static, css = client.request("GET", STATIC_FILE)
    assert (page.status, static.status) == (200, 200) and css
    for name, value in SECURITY_HEADERS.items():
        assert (page.getheader(name), static.getheader(name)) == (value, value), name
    assert static.getheader("Content-Security-Policy") == page.getheader("Content-Security-Policy")
    assert "frame-ancestors 'none'" in static.getheader("Content-Security-Policy")


# Through nginx, terminating TLS.


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = directory / "site.crt", directory / "site.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path


def _documented(language: str) -> str:
    """The first code block of docs/deploy.md in that language (an empty string for the unmarked one)."""
    text = (Path(__file__).parents[2] / "docs" / "deploy.md").read_text()
    return re.search(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL).group(1)


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"docs/deploy.md no longer has {old!r} once"
    return text.replace(old, new)


def _nginx_config(directory: Path, *, http_port: int, https_port: int, amparo_port: int) -> Path:
    """The server block of docs/deploy.md as written, with this test's ports and certificate, inside a main
    configuration that keeps everything nginx writes in `directory`."""
    certificate, key = _certificate(directory)
    server = _documented("nginx")
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        ("server_name amparo.example.org;", f"server_name {HOST};"),
        ("/etc/letsencrypt/live/amparo.example.org/fullchain.pem;", f"{certificate};"),
        ("/etc/letsencrypt/live/amparo.example.org/privkey.pem;", f"{key};"),
        ("proxy_pass http://127.0.0.1:8000;", f"proxy_pass http://127.0.0.1:{amparo_port};"),
    ):
        server = _swap(server, old, new)
    # Workers run as the current user (nginx would switch a root master's workers to `nobody`, who cannot
    # write to this directory); a master that is not root ignores the directive.
    user = ""
    if os.geteuid() == 0:
        user = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
    config = directory / "nginx.conf"
    config.write_text(
        f"""
{user}
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
{server}
}}
"""
    )
    return config


def _production_settings() -> dict[str, str]:
    """The settings of docs/deploy.md, but for the data directory and the keys it leaves to the reader."""
    settings = dict(line.split("#")[0].strip().split("=", 1) for line in _documented("").splitlines())
    return {name: value for name, value in settings.items() if value != "..." and name != "AMPARO_DATA_DIR"}


def test_the_documented_production_settings_pass_djangos_deployment_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=_amparo_env(tmp_path, **_production_settings()),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.fixture
def behind_nginx(amparo_server, tmp_path):
    """Amparo as documented for production, behind nginx; yields (http port, https port, TLS context, data dir)."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    amparo_port, data_dir = amparo_server(**(_production_settings() | {"AMPARO_ALLOWED_HOSTS": HOST}))
    directory = tmp_path / "nginx"
    directory.mkdir()
    http_port, https_port = _free_port(), _free_port()
    config = _nginx_config(directory, http_port=http_port, https_port=https_port, amparo_port=amparo_port)
    log = directory / "error.log"
    log.touch()
    process = subprocess.Popen([nginx, "-p", str(directory), "-e", str(log), "-c", str(config)])
    try:
        _wait_for_port(https_port, process, log)
        tls = ssl.create_default_context(cafile=directory / "site.crt")
        yield http_port, https_port, tls, data_dir
    finally:
        _stop(process)


def test_http_is_redirected_to_https_and_https_does_not_loop(behind_nginx):
    http_port, https_port, tls, _ = behind_nginx
    response, _ = Client(CLIENT, port=http_port).request("GET", "/login/?next=/cases/")
    assert (response.status, response.getheader("Location")) == (301, f"https://{HOST}/login/?next=/cases/")
    response, page = Client(CLIENT, port=https_port, tls=tls).request("GET", "/login/")
    assert response.status == 200 and "csrfmiddlewaretoken" in page


def test_through_the_proxy_cookies_are_secure_and_hsts_is_sent(behind_nginx):
    _, https_port, tls, _ = behind_nginx
    client = Client(CLIENT, port=https_port, tls=tls)
    response, _ = client.request("GET", "/login/")
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert client.last_cookies["csrftoken"]["secure"]
    assert client.log_in(PASSWORD).status == 302
    session = client.last_cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    static, _ = client.request("GET", STATIC_FILE)
    assert static.status == 200
    assert static.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    for name, value in SECURITY_HEADERS.items():
        assert static.getheader(name) == value, name


def test_the_audit_log_records_the_client_address_not_the_proxy(behind_nginx):
    _, https_port, tls, data_dir = behind_nginx
    # What the client claims before the proxy's own entry is not believed.
    assert Client(CLIENT, port=https_port, tls=tls).log_in(PASSWORD, {"X-Forwarded-For": "6.6.6.6"}).status == 302
    assert Client(OTHER_CLIENT, port=https_port, tls=tls).log_in(WRONG).status == 200
    assert _audited_addresses(data_dir, "login") == [CLIENT]
    assert _audited_addresses(data_dir, "login_failed") == [OTHER_CLIENT]


def test_a_stranger_guessing_passwords_is_locked_out_but_the_user_is_not(behind_nginx):
    _, https_port, tls, data_dir = behind_nginx
    stranger = Client(OTHER_CLIENT, port=https_port, tls=tls)
    statuses = [stranger.log_in(WRONG).status for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks this client out
    assert stranger.log_in(PASSWORD).status == 429  # even with the right password now
    assert Client(CLIENT, port=https_port, tls=tls).log_in(PASSWORD).status == 302  # the user, elsewhere
    assert _audited_addresses(data_dir, "login") == [CLIENT]
    assert set(_audited_addresses(data_dir, "login_failed")) == {OTHER_CLIENT}
