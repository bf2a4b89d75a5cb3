"""Releases: what was published for a year, with how it was protected, frozen once made.

A release row is never changed: the database refuses an UPDATE (trigger, migration 0001)
and the model refuses to save an existing row. Its approval is a row of its own, made
once, by an administrator who did not create the release.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

IMMUTABLE = "a release is immutable: make a new one"
SELF_APPROVAL = "a release is approved by an administrator who did not create it"


class Release(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("What one published count counts."))
    parameters = models.JSONField(_("parameters"))
    epsilon_spent = models.FloatField(_("privacy budget spent (epsilon)"))
    accuracy = models.JSONField(_("accuracy"))
    code_version = models.CharField(_("code version"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("release", "created"), auto_now_add=True)
    summary = models.JSONField(_("release.json"))
    tables = models.JSONField(_("tables.json"))
    microdata_csv = models.TextField(_("microdata.csv"))
    synthetic_csv = models.TextField(_("synthetic.csv"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.CheckConstraint(condition=models.Q(epsilon_spent__gt=0), name="release_spends_epsilon"),
        ]

    def __str__(self):
        return f"{self.year} #{self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(IMMUTABLE)


class ReleaseApproval(models.Model):
    release = models.OneToOneField(
        Release, on_delete=models.PROTECT, related_name="approval", verbose_name=_("release")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)

    class Meta:
        verbose_name = _("release approval")
        verbose_name_plural = _("release approvals")

    def __str__(self):
        return f"{self.release} approved"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(IMMUTABLE)
        if self.approved_by_id is not None and self.approved_by_id == self.release.created_by_id:
            raise ValueError(SELF_APPROVAL)
        super().save(*args, **kwargs)
