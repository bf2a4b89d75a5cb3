"""API clients and their tokens: create, issue, revoke, authenticate. Every change is audited."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from amparo.accounts.roles import Role, Scope
from amparo.api.domain.tokens import token_digest, token_new, token_shown
from amparo.api.models import ACCOUNT_PREFIX, ApiClient, ApiToken
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.registry.models import Organisation


class ClientRefused(ValueError):
    pass


def client_create(
    *,
    name: str,
    organisation: Organisation,
    role: str,
    scope: str = "",
    expires_at: datetime | None = None,
    created_by=None,
) -> tuple[ApiClient, str]:
    """A client for one organisation with one role (and optionally a narrower scope) and its first token,
    returned in clear this once."""
    if slugify(name) != name or not name:
        raise ClientRefused(_("A client's name is lower-case letters, digits and hyphens, such as police-lima."))
    if role not in Role.values:
        raise ClientRefused(
            _("Unknown role %(role)s; use one of: %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )
    if scope and scope not in Scope.values:
        raise ClientRefused(
            _("Unknown scope %(scope)s; use one of: %(scopes)s.") % {"scope": scope, "scopes": ", ".join(Scope.values)}
        )
    if (
        ApiClient.objects.filter(name=name).exists()
        or get_user_model().objects.filter(username=ACCOUNT_PREFIX + name).exists()
    ):
        raise ClientRefused(_("A client named %(name)s exists already.") % {"name": name})
    with transaction.atomic():
        account = get_user_model()(username=ACCOUNT_PREFIX + name, organisation=organisation, role=role, scope=scope)
        account.set_unusable_password()  # a client signs in with its token only, never on the login page
        account.save()
        client = ApiClient.objects.create(name=name, account=account, created_by=created_by)
        audit_record(
            user=created_by,
            action=AuditAction.CREATE,
            obj=client,
            username="amparo api_client",
            details={"client": name, "organisation": organisation.pk, "role": role, "scope": account.effective_scope},
        )
        token = token_issue(client=client, expires_at=expires_at, issued_by=created_by)
    return client, token


def token_issue(*, client: ApiClient, expires_at: datetime | None = None, issued_by=None) -> str:
    """A new token for the client, returned in clear this once; only its digest is kept."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ClientRefused(_("A token's expiry must be in the future."))
    token = token_new()
    stored = ApiToken.objects.create(
        client=client, prefix=token_shown(token), digest=token_digest(token), expires_at=expires_at
    )
    audit_record(
        user=issued_by,
        action=AuditAction.CREATE,
        obj=stored,
        username="amparo api_client",
        details={
            "client": client.name,
            "token": stored.prefix,
            "expires": expires_at.isoformat() if expires_at else None,
        },
    )
    return token


def tokens_revoke(*, client: ApiClient, revoked_by=None) -> int:
    """Revoke every valid token of the client; returns how many."""
    now = timezone.now()
    tokens = list(client.tokens.filter(revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            user=revoked_by,
            action=AuditAction.CHANGE,
            obj=token,
            username="amparo api_client",
            details={"client": client.name, "token": token.prefix, "revoked": True},
        )
    return len(tokens)


def client_for_token(token: str, request=None) -> ApiClient | None:
    """The client whose valid token this is, or None; a revoked or expired token is audited as a failed
    sign-in of its client, an unknown one as a failed sign-in of no one."""
    stored = ApiToken.objects.select_related("client__account").filter(digest=token_digest(token)).first()
    now = timezone.now()
    if stored is None or not stored.is_valid(now) or not stored.client.account.is_active:
        audit_record(
            user=None,
            action=AuditAction.LOGIN_FAILED,
            request=request,
            username=stored.client.account.username if stored else "api",
            details={"api": True, "token": stored.prefix if stored else ""},
        )
        return None
    if stored.last_used_at is None or (now - stored.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=stored.pk).update(last_used_at=now)  # at most one write a minute per token
    return stored.client
