import re

import pytest
from django.test import Client

from amparo.core.security import CONTENT_SECURITY_POLICY
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def test_the_policy_is_the_strict_one_agreed():
    assert CONTENT_SECURITY_POLICY == EXPECTED_POLICY


def test_the_login_page_carries_the_csp_and_security_headers(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_for_logged_in_users_are_not_cached(client_as, analyst):
    response = client_as(analyst).get("/audit/")
    assert response["Cache-Control"] == "no-store, private"


def test_static_files_carry_the_csp_too(client):
    response = client.get("/static/amparo/amparo.css")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_POLICY


def test_the_login_page_has_no_inline_script_or_style(client):
    html = client.get("/login/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html


def _assets(html: str) -> list[str]:
    return re.findall(r'<(?:script[^>]+src|link[^>]+href)="([^"]+)"', html)


def test_the_admin_loads_its_assets_under_the_policy(client_as, administrator):
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client = client_as(administrator)
    for url in ("/admin/", "/admin/audit/auditevent/", "/admin/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), f"inline script on {url}"
        assets = [a for a in _assets(html) if a.startswith("/static/")]
        assert assets, url
        for asset in assets:
            assert client.get(asset).status_code == 200, asset


def test_the_session_ends_with_the_browser_and_after_thirty_idle_minutes(client, registrar):
    response = client.post("/login/", {"username": registrar.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # forgotten when the browser closes
    assert client.session.get_expiry_age() == 30 * 60


def test_a_login_without_the_csrf_token_is_refused(registrar):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": registrar.username, "password": PASSWORD})
    assert response.status_code == 403
