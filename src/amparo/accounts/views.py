"""Second-factor pages: set up a TOTP device, and verify it at each login."""

import django_otp
from django.conf import settings
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from amparo.accounts.forms import TokenForm
from amparo.accounts.twofactor import (
    confirmed_device_matching,
    device_confirm,
    device_qr_data_uri,
    device_secret,
    pending_device,
    second_factor_confirmed,
    second_factor_failed,
    second_factor_required_by_role,
    second_factor_verified,
)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Show the secret of a new device and confirm it with a first code."""
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        # Adding a device must not become a way around the one already set up.
        return redirect("two-factor-verify")
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device_confirm(device, form.cleaned_data["token"]):
            django_otp.login(request, device)
            second_factor_confirmed.send(sender=two_factor_setup, request=request, user=request.user, device=device)
            return redirect(_next_url(request))
        second_factor_failed.send(sender=two_factor_setup, request=request, user=request.user, device=device)
        form.add_error("token", _("That code is not valid. Check the time on your phone and try the newest code."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "otpauth_uri": device.config_url,
            "secret": device_secret(device),
            "qr_data_uri": device_qr_data_uri(device),
            "next": _next_url(request),
            "has_confirmed_device": user_has_device(request.user, confirmed=True),
            "required_by_role": second_factor_required_by_role(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Ask for the current code from the user's authenticator app."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("two-factor-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = confirmed_device_matching(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            second_factor_verified.send(sender=two_factor_verify, request=request, user=request.user, device=device)
            return redirect(_next_url(request))
        second_factor_failed.send(sender=two_factor_verify, request=request, user=request.user, device=None)
        form.add_error("token", _("That code is not valid. Check the time on your phone and try the newest code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})
