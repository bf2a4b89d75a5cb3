"""Import batches, the rows they quarantined, and the original row kept with every stored case.

Original rows hold names and identity numbers, so they are sealed at rest
(core.fields.EncryptedTextField holding JSON), like the registry's identities.
A stored case's original row is sealed together with its neighbours in an
OriginalRowBlock: sealing each row alone cost more than storing the case.
"""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core.fields import EncryptedTextField
from amparo.registry.models import Case, Organisation


class ImportBatch(models.Model):
    """One file imported (or checked, in a dry run) from one source. Written in the import's own transaction,
    so a batch exists only for an import that finished."""

    source = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("source organisation")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    format = models.CharField(_("format"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    same_file_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("same file as batch")
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"#{self.pk} {self.file_name}"


class QuarantinedRow(models.Model):
    """A row that was not stored, with its problems, until it is corrected and imported again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="quarantined_rows")
    row_number = models.PositiveIntegerField(_("row"))
    original_sealed = EncryptedTextField(_("original row"))
    problems_sealed = EncryptedTextField(_("problems"))

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("quarantined row")
        verbose_name_plural = _("quarantined rows")

    @property
    def original(self) -> dict:
        return json.loads(self.original_sealed)

    @property
    def problems(self) -> list[dict]:
        return json.loads(self.problems_sealed)


class OriginalRowBlock(models.Model):
    """The original rows of up to a thousand stored cases of one batch, sealed as one JSON object
    (row number -> row), so that a large import seals a thousand times less often."""

    # Key rotation reads this many blocks at a time (each holds up to a thousand rows).
    reseal_batch_size = 20

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="original_blocks")
    rows_sealed = EncryptedTextField(_("original rows"))

    class Meta:
        verbose_name = _("block of original rows")
        verbose_name_plural = _("blocks of original rows")

    def original(self, row_number: int) -> dict:
        return json.loads(self.rows_sealed)[str(row_number)]


class CaseProvenance(models.Model):
    """Where a stored case came from: batch, row and the row as it was; one per import that touched it."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("provenance", "Created")
        UPDATED = "updated", _("Updated")

    # provenance_case_latest below also serves look-ups by case alone.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="provenance", db_index=False)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="provenance")
    row_number = models.PositiveIntegerField(_("row"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    block = models.ForeignKey(
        OriginalRowBlock, on_delete=models.PROTECT, related_name="+", verbose_name=_("original rows")
    )
    content_hash = models.CharField(
        max_length=64,
        editable=False,
        help_text=_("Keyed hash of the normalised row, to recognise an unchanged re-import."),
    )

    class Meta:
        ordering = ["case", "-id"]
        verbose_name = _("case provenance")
        verbose_name_plural = _("case provenance")
        indexes = [models.Index(fields=["case", "-id"], name="provenance_case_latest")]

    @property
    def original(self) -> dict:
        return self.block.original(self.row_number)
