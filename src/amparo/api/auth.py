"""Who calls: a client with its token (any call), or a signed-in person's session (reads only: a session
cookie rides along with every request the browser makes, so writes from outside the site would be possible
with it). Calls are limited per client (429 with Retry-After) and audited with the client's name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from amparo.accounts.access import may
from amparo.api.models import ApiClient
from amparo.api.services import client_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        client = client_for_token(token, request)
        if client is None:
            return None
        request.user = client.account  # the client acts as its account, for every rule that asks a user
        return client


class SignedInSession(SessionAuth):
    """A signed-in person, for reads (the dashboard's own requests)."""


token = TokenAuth()
READ = [token, SignedInSession(csrf=True)]
WRITE = [token]


def account(request):
    """The account the call acts as: the client's or the signed-in person's."""
    return request.auth.account if isinstance(request.auth, ApiClient) else request.auth


def caller_name(request) -> str:
    return request.auth.name if isinstance(request.auth, ApiClient) else account(request).get_username()


def require(request, capability) -> None:
    if not may(account(request), capability):
        raise PermissionDenied


class PerClient(SimpleRateThrottle):
    """At most settings.API_RATE_PER_MINUTE calls a minute per client (or signed-in person), counted in the
    cache (per process with the default cache; shared between processes with a shared cache)."""

    def __init__(self):
        super().__init__(rate="1/min")  # replaced by the setting at each call: a changed setting applies at once

    def allow_request(self, request) -> bool:
        self.num_requests, self.duration = settings.API_RATE_PER_MINUTE, 60
        return super().allow_request(request)

    def get_cache_key(self, request):
        caller = request.auth
        kind = "client" if isinstance(caller, ApiClient) else "user"
        return f"amparo-api-{kind}-{caller.pk}"
