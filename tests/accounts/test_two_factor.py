import base64
import hashlib
import hmac
import re
import struct
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.audit.models import AuditAction, AuditEvent
from tests.personas import logged_in_client

pytestmark = pytest.mark.django_db


def rfc6238(secret_base32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """TOTP computed by hand from RFC 6238 / RFC 4226 (HMAC-SHA1, dynamic truncation), independent of django-otp."""
    secret = base64.b32decode(secret_base32.replace(" ", "") + "=" * (-len(secret_base32.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


def _secret_shown(response) -> str:
    return re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', response.content.decode()).group(1)


def test_the_hand_written_totp_matches_the_rfc_test_vector():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert rfc6238(secret, at=59, digits=8) == "94287082"


def test_an_administrator_without_a_device_is_sent_to_set_one_up(administrator):
    client = logged_in_client(administrator, verify=False)
    response = client.get("/audit/")
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor-setup"))
    assert parse_qs(urlparse(response.url).query)["next"] == ["/audit/"]


def test_a_superuser_is_held_to_the_same_rule(registrar):
    registrar.is_superuser = True
    registrar.save()
    response = logged_in_client(registrar, verify=False).get("/audit/")
    assert response.url.startswith(reverse("two-factor-setup"))


def test_the_set_up_page_shows_the_secret_and_the_otpauth_address(administrator):
    response = logged_in_client(administrator, verify=False).get(reverse("two-factor-setup"))
    html = response.content.decode()
    secret = _secret_shown(response).replace(" ", "")
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert "otpauth://totp/" in html and f"secret={secret}" in html
    assert re.search(r'<img class="otp-qr" src="data:image/svg\+xml[^"]+"', html)  # allowed by img-src data:


def test_a_code_computed_independently_confirms_the_device_and_opens_the_pages(administrator):
    client = logged_in_client(administrator, verify=False)
    secret = _secret_shown(client.get(reverse("two-factor-setup")))
    response = client.post(reverse("two-factor-setup"), {"token": rfc6238(secret), "next": "/audit/"})
    assert response.status_code == 302 and response.url == "/audit/"
    assert TOTPDevice.objects.get(user=administrator).confirmed
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.OTP_DEVICE_CONFIRMED, user=administrator).count() == 1


def test_a_wrong_code_is_refused_and_audited(administrator):
    client = logged_in_client(administrator, verify=False)
    secret = _secret_shown(client.get(reverse("two-factor-setup")))
    wrong = rfc6238(secret, at=time.time() - 3600)
    response = client.post(reverse("two-factor-setup"), {"token": wrong})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not TOTPDevice.objects.get(user=administrator).confirmed
    assert client.get("/audit/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED).count() == 1


def test_the_secret_stays_the_same_until_confirmed(administrator):
    client = logged_in_client(administrator, verify=False)
    assert _secret_shown(client.get(reverse("two-factor-setup"))) == _secret_shown(
        client.get(reverse("two-factor-setup"))
    )


def test_an_administrator_with_a_device_must_verify_at_each_login(administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client = logged_in_client(administrator, verify=False)
    response = client.get("/audit/")
    assert response.url.startswith(reverse("two-factor-verify"))
    secret = base64.b32encode(device.bin_key).decode()
    response = client.post(reverse("two-factor-verify"), {"token": rfc6238(secret), "next": "/audit/"})
    assert response.status_code == 302 and response.url == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.OTP_VERIFIED, user=administrator).count() == 1


def test_the_verify_page_does_not_redirect_to_another_site(administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client = logged_in_client(administrator, verify=False)
    token = rfc6238(base64.b32encode(device.bin_key).decode())
    response = client.post(reverse("two-factor-verify"), {"token": token, "next": "https://evil.example/"})
    assert response.url == reverse("dashboard")


def test_an_unverified_user_cannot_add_a_device_around_the_one_they_have(administrator):
    TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client = logged_in_client(administrator, verify=False)
    assert client.get(reverse("two-factor-setup")).url == reverse("two-factor-verify")


def test_the_second_factor_is_optional_for_other_roles(case_worker):
    assert logged_in_client(case_worker).get(reverse("two-factor-setup")).status_code == 200
    assert logged_in_client(case_worker).get("/audit/").status_code == 403  # reached, not redirected


def test_a_user_who_set_up_a_device_must_use_it(case_worker):
    TOTPDevice.objects.create(user=case_worker, name="phone", confirmed=True)
    response = logged_in_client(case_worker).get(reverse("dashboard"))
    assert response.url.startswith(reverse("two-factor-verify"))


def test_the_admin_site_refuses_an_unverified_staff_session(data_manager):
    data_manager.is_staff = True
    data_manager.save()
    client = logged_in_client(data_manager)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_logout_stays_reachable_before_verification(administrator):
    client: Client = logged_in_client(administrator, verify=False)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
