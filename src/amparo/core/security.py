"""Security headers and the login requirement, applied to every response in one place.

The Content-Security-Policy is fixed: Amparo serves its own scripts and styles
(htmx, no inline code), so the policy needs no nonces or per-view exceptions.
A small middleware keeps it that way without another dependency (Django 5.2
has no CSP of its own; django-csp would add configuration we do not need).
"""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.views.i18n import set_language

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)

# Headers Django's SecurityMiddleware does not set (it sets nosniff, referrer, COOP, HSTS).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Permitted-Cross-Domain-Policies": "none",
}


class ContentSecurityPolicyMiddleware:
    """Adds the strict CSP and the other security headers to every response, static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        user = getattr(request, "user", None)  # absent on static files served before authentication
        if user is not None and user.is_authenticated:
            # Pages with case data must not be kept by shared browsers or proxies.
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login unless its view is marked `login_not_required` (Django's decorator).

    Public pages (published statistics) opt out explicitly; the language switch
    stays open so the login page can be read in either language.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is set_language:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
