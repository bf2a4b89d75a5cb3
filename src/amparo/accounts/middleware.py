"""Administrators (and anyone with a second factor) reach no page until they have verified it."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.views.i18n import set_language
from django_otp import user_has_device

from amparo.accounts.twofactor import second_factor_required

TWO_FACTOR_URL_NAMES = ("two-factor-setup", "two-factor-verify", "logout")


class TwoFactorRequiredMiddleware:
    """Runs after django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or view_func is set_language:
            return None
        if request.resolver_match and request.resolver_match.url_name in TWO_FACTOR_URL_NAMES:
            return None
        if not second_factor_required(user):
            return None
        target = "two-factor-verify" if user_has_device(user, confirmed=True) else "two-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
