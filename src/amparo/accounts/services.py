"""Managing user accounts inside Amparo: create, change role, scope and organisation, deactivate, reset a
second factor or a password. The only writer of accounts besides Django's own admin and commands.

Each change is sent as `account_changed` with the account's values before and after it; the audit log
records it through its one appender (audit.signals), in the same transaction. Accounts know no audit
log (the audit log's pages ask accounts who may read them).
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.access import require
from amparo.accounts.models import User
from amparo.accounts.roles import Capability, Role, Scope

# Sent with actor, account, created (bool), before and after (account_values), reset ("password",
# "second_factor" or ""), request.
account_changed = Signal()
PASSWORD, SECOND_FACTOR = "password", "second_factor"

OWN_ACCOUNT = _(
    "You cannot change the role, scope or organisation of your own account, nor deactivate it: ask another "
    "administrator, so that no one raises their own rights and an installation keeps its administrator."
)
SUPERUSER_ACCOUNT = _("A superuser's account is managed by a superuser.")


def account_values(account: User) -> dict:
    """What the audit log records of an account: its rights, whether it may log in, and its own names (sealed
    in the log, as every name is). Never a password or a secret."""
    return {
        "role": account.role,
        "scope": account.scope,
        "organisation": account.organisation.name if account.organisation_id else "",
        "is_active": account.is_active,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "second_factor": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
        "password_set": account.has_usable_password(),
    }


def _may_manage(actor, account: User | None = None) -> None:
    require(actor, Capability.USERS)
    if account is not None and account.is_superuser and not actor.is_superuser:
        raise PermissionDenied(SUPERUSER_ACCOUNT)


def _stored(actor, account: User) -> User:
    """The account as stored, locked until the change is recorded, once the actor may manage it: the values
    the audit log compares are read here, whatever a form did to the object it was given."""
    _may_manage(actor)
    stored = User.objects.select_for_update().get(pk=account.pk)  # FOR UPDATE takes no outer join in PostgreSQL
    _may_manage(actor, stored)
    return stored


def _check_rights(role: str, scope: str) -> None:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    if scope and scope not in Scope.values:
        raise ValueError(f"unknown scope {scope!r}")


def _changed(actor, account, before: dict, request, created: bool = False, reset: str = "") -> None:
    """Send account_changed when something changed, or for a reset (a password reset twice is reset twice)."""
    after = account_values(account)
    if created or reset or after != before:
        account_changed.send(
            sender=User,
            actor=actor,
            account=account,
            created=created,
            before=before,
            after=after,
            reset=reset,
            request=request,
        )


def account_create(
    *,
    actor,
    username: str,
    role: str,
    scope: str = "",
    organisation=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    request=None,
) -> User:
    """A new account with no password yet: its owner sets one through a link (`password_setting_path`)."""
    _may_manage(actor)
    _check_rights(role, scope)
    with transaction.atomic():
        account = User(
            username=username,
            role=role,
            scope=scope,
            organisation=organisation,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        account.set_unusable_password()
        account.full_clean()
        account.save()
        _changed(actor, account, {}, request, created=True)
    return account


def account_update(
    *,
    actor,
    account: User,
    role: str,
    scope: str,
    organisation,
    first_name: str,
    last_name: str,
    email: str,
    request=None,
) -> User:
    """New rights or names for an account; an administrator's own rights are changed by another one."""
    _check_rights(role, scope)
    with transaction.atomic():
        stored = _stored(actor, account)
        own_rights = (role, scope, getattr(organisation, "pk", None)) != (
            stored.role,
            stored.scope,
            stored.organisation_id,
        )
        if stored.pk == actor.pk and own_rights:
            raise PermissionDenied(OWN_ACCOUNT)
        before = account_values(stored)
        stored.role, stored.scope, stored.organisation = role, scope, organisation
        stored.first_name, stored.last_name, stored.email = first_name, last_name, email
        stored.full_clean()
        stored.save()
        _changed(actor, stored, before, request)
    return stored


def account_set_active(*, actor, account: User, active: bool, request=None) -> User:
    """Deactivate an account (it can no longer log in, and its open sessions end at their next request) or
    activate it again."""
    with transaction.atomic():
        stored = _stored(actor, account)
        if stored.pk == actor.pk:
            raise PermissionDenied(OWN_ACCOUNT)
        before = account_values(stored)
        stored.is_active = active
        stored.save(update_fields=["is_active"])
        _changed(actor, stored, before, request)
    return stored


def account_second_factor_reset(*, actor, account: User, request=None) -> User:
    """Remove the account's authenticator devices, for a lost phone: at the next login its owner sets one up
    again (as every administrator must) or, for other roles, logs in with the password alone."""
    with transaction.atomic():
        stored = _stored(actor, account)
        before = account_values(stored)
        TOTPDevice.objects.filter(user=stored).delete()
        _changed(actor, stored, before, request, reset=SECOND_FACTOR)
    return stored


def account_password_reset(*, actor, account: User, request=None) -> str:
    """End the account's password (and with it its open sessions) and give the path of a one-time link where
    its owner sets a new one: the administrator never learns it."""
    with transaction.atomic():
        stored = _stored(actor, account)
        before = account_values(stored)
        stored.set_unusable_password()
        stored.save(update_fields=["password"])
        _changed(actor, stored, before, request, reset=PASSWORD)
    return password_setting_path(stored)


def account_saved_elsewhere(*, actor, account: User, before: dict | None, request=None, reset: str = "") -> None:
    """Record a change that Django's admin made to an account itself (`before`: account_values as it was, None
    for a new account), so that every change to an account is in the audit log whichever page made it."""
    _changed(actor, account, before or {}, request, created=before is None, reset=reset)


def password_setting_path(account: User) -> str:
    """The path of the one-time link where the account's owner sets a password. It stops working once a
    password is set or reset again, and after settings.PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    return reverse("password-set", args=[uid, default_token_generator.make_token(account)])


def account_password_set(*, account: User, request=None) -> None:
    """The owner has set a password through their link (Django's form saved it): recorded, as they did it."""
    before = {**account_values(account), "password_set": False}
    _changed(account, account, before, request)
