"""The audit log: append-only and hash-chained, one row per thing that happened to sensitive data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    VIEW_IDENTITY = "view_identity", _("Viewed identifying data")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", pgettext_lazy("audit action", "Logged out")
    APPROVE = "approve", _("Approved")
    REFUSE = "refuse", _("Refused")
    KEY_ROTATION = "key_rotation", _("Rotated encryption keys")
    IDENTITY_SEARCH = "identity_search", _("Searched for a person by name or identity number")
    OTP_DEVICE_CONFIRMED = "otp_device", _("Set up a second factor")
    OTP_VERIFIED = "otp_verified", _("Verified the second factor")
    OTP_FAILED = "otp_failed", _("Failed second-factor code")
    BACKUP = "backup", _("Backed up the registry")


class AuditEvent(models.Model):
    """Written only by `audit.services.audit_record`, which chains it (`audit.domain.chain`)."""

    sequence = models.PositiveBigIntegerField(_("sequence number"), unique=True, editable=False)
    # Set by the appender, not on save: the hash covers it.
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # No database constraint and no cascade: removing a user must not rewrite the log (rows stay untouched).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(
        _("user name"), max_length=150, blank=True, help_text=_("Kept even if the user is removed.")
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    entry_hash = models.CharField(_("event hash"), max_length=64, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        if not self.entry_hash:
            raise PermissionError("audit events are appended by audit.services.audit_record, which chains them")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")
