"""What a locked-out person sees: the login page again, with the reason, never a bare error page."""

from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

LOCKOUT_STATUS = 429  # Too Many Requests, as django-axes answers by default


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when a user name and address have failed too often (AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "next": request.GET.get("next", "")},
        status=LOCKOUT_STATUS,
    )
