"""Logins, failed logins, logouts, second-factor events and changes to accounts go to the audit log.

The audit log listens to the signals of Django's authentication, of
`accounts.twofactor` and of `accounts.services`, so accounts need not know the
log (the log's pages ask accounts who may read them).
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from amparo.accounts.services import account_changed
from amparo.accounts.twofactor import second_factor_confirmed, second_factor_failed, second_factor_verified
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_change, audit_record, changed_values

USERNAME_LIMIT = 150


@receiver(user_logged_in, dispatch_uid="amparo-audit-login")
def audit_login(sender, request, user, **kwargs):
    audit_record(user=user, action=AuditAction.LOGIN, request=request)


@receiver(user_login_failed, dispatch_uid="amparo-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    """Keep the user name that was tried (an attack leaves a trace); the password never reaches here in clear."""
    attempted = str(credentials.get("username", ""))[:USERNAME_LIMIT]
    locked_out = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        user=None,
        action=AuditAction.LOGIN_FAILED,
        request=request,
        username=attempted,
        details={"locked_out": locked_out},
    )


@receiver(user_logged_out, dispatch_uid="amparo-audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user=user, action=AuditAction.LOGOUT, request=request)


@receiver(second_factor_confirmed, dispatch_uid="amparo-audit-otp-confirmed")
def audit_second_factor_confirmed(sender, request, user, device, **kwargs):
    audit_record(user=user, action=AuditAction.OTP_DEVICE_CONFIRMED, obj=device, request=request)


@receiver(second_factor_verified, dispatch_uid="amparo-audit-otp-verified")
def audit_second_factor_verified(sender, request, user, device, **kwargs):
    audit_record(user=user, action=AuditAction.OTP_VERIFIED, obj=device, request=request)


@receiver(second_factor_failed, dispatch_uid="amparo-audit-otp-failed")
def audit_second_factor_failed(sender, request, user, device=None, **kwargs):
    audit_record(user=user, action=AuditAction.OTP_FAILED, obj=device, request=request)


@receiver(account_changed, dispatch_uid="amparo-audit-account-changed")
def audit_account_changed(sender, actor, account, created, before, after, reset="", request=None, **kwargs):
    """A new account with what it was given, or what a change or a reset did to one (its names sealed, as every
    name)."""
    if created:
        details = {"changed": changed_values(before, after)}
        audit_record(user=actor, action=AuditAction.CREATE, obj=account, request=request, details=details)
    else:
        details = {"reset": reset} if reset else None
        audit_change(user=actor, obj=account, before=before, after=after, request=request, details=details)
