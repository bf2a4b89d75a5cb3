"""The TOTP second factor: who must use it, and setting up a device (django-otp underneath)."""

import base64

import segno
from django.dispatch import Signal
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.access import may
from amparo.accounts.roles import Capability

DEVICE_NAME = "Amparo TOTP"

# Sent by the two-factor pages with request, user and device (None when no device matched); the audit log
# records them (audit.signals).
second_factor_confirmed = Signal()
second_factor_verified = Signal()
second_factor_failed = Signal()


def second_factor_required_by_role(user) -> bool:
    """Whoever may read the audit log or manage accounts (administrators, superusers) holds the keys to
    everything else."""
    return may(user, Capability.AUDIT) or may(user, Capability.USERS)


def second_factor_required(user) -> bool:
    """Administrators must use a second factor; anyone who set one up must use it too."""
    if not user.is_authenticated:
        return False
    return second_factor_required_by_role(user) or user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use so the secret stays the same while they type it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps expect it typed, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth address as an SVG QR code in a data: URI (allowed by the CSP's img-src, no script)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def device_confirm(device: TOTPDevice, token: str) -> bool:
    """Confirm a new device when the user proves the app shows the right code."""
    if not device.verify_token(normalise_token(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def confirmed_device_matching(user, token: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(normalise_token(token)):
            return device
    return None


def normalise_token(token: str) -> str:
    return "".join(token.split())
