"""Linkage beside the registry: runs, the clusters of the last run, and people's decisions about pairs.

Nothing here alters a case or a person. A cluster is a mapping from each victim
(registry Person) to the key of the linked victim it belongs to; a new run
replaces the mapping and the scored pairs, never the decisions. No identifying
value is stored: pairs carry ids and the weight of each comparison, not the
values compared.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core.fields import EncryptedTextField
from amparo.linkage.domain.clusters import ACCEPT, REJECT
from amparo.registry.models import Person


class LinkageRun(models.Model):
    """One linkage of the whole registry: its model and thresholds, so it can be reproduced, and its figures."""

    started_at = models.DateTimeField(pgettext_lazy("linkage run", "started"), auto_now_add=True)
    finished_at = models.DateTimeField(pgettext_lazy("linkage run", "finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    model = models.JSONField(_("model"), help_text=_("The Splink model: settings and trained parameters."))
    link_threshold = models.FloatField(_("link threshold"))
    review_threshold = models.FloatField(_("review threshold"))
    code_version = models.CharField(_("code version"), max_length=100)
    trained = models.BooleanField(_("trained on this run's records"), default=True)
    new_records_only = models.BooleanField(
        _("new records only"),
        default=False,
        help_text=_("Linked only the records no earlier run had linked, to the clusters as they were."),
    )
    records = models.PositiveIntegerField(_("records"), default=0)
    sources = models.PositiveIntegerField(_("sources"), default=0)
    candidate_pairs = models.PositiveBigIntegerField(_("candidate pairs"), default=0)
    links = models.PositiveIntegerField(_("links"), default=0)
    clusters = models.PositiveIntegerField(_("linked victims"), default=0)
    review_pairs = models.PositiveIntegerField(_("pairs to review"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self):
        return _("Linkage run %(id)s") % {"id": self.pk}


class ClusterMembership(models.Model):
    """The linked victim a person belongs to, as the last run (and the decisions since) found."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="linkage_cluster")
    cluster_key = models.CharField(_("linked victim"), max_length=20, db_index=True)
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")


class ClusterRevision(models.Model):
    """A single row whose token changes, in the same transaction, with every change of the clusters, so the
    statistics (which count linked victims) know when to read them again without reading them."""

    token = models.CharField(max_length=32)


class Verdict(models.TextChoices):
    SAME_PERSON = ACCEPT, _("Same person")
    DIFFERENT_PEOPLE = REJECT, _("Different people")


class PairDecision(models.Model):
    """A person's verdict on two victims' records, respected by every later run."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("decision"), max_length=10, choices=Verdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("linkage", "decision")
        verbose_name_plural = pgettext_lazy("linkage", "decisions")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="pairdecision_unique_pair"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="pairdecision_ordered_pair"),
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="pairdecision_verdict_valid"),
        ]


class ClusterDecisionKind(models.TextChoices):
    MERGE = "merge", pgettext_lazy("linkage", "Merge")
    SPLIT = "split", pgettext_lazy("linkage", "Split")


class ClusterDecision(models.Model):
    """A person's merge of two linked victims into one, or split of one record out of a linked victim, with
    the reason. What it decided is kept as pair decisions (accepted between the two victims' records, or
    rejected between the record and the rest), which every run obeys; this row says who did it and why."""

    kind = models.CharField(_("kind"), max_length=10, choices=ClusterDecisionKind.choices)
    cluster_key = models.CharField(_("linked victim"), max_length=20)
    other_cluster_key = models.CharField(_("merged with"), max_length=20, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("record split out")
    )
    reason = EncryptedTextField(_("reason"))
    pairs = models.PositiveIntegerField(_("pairs decided"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("merge or split of linked victims")
        verbose_name_plural = _("merges and splits of linked victims")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ClusterDecisionKind.values), name="clusterdecision_kind_valid"),
        ]


class ScoredPair(models.Model):
    """A pair the last run scored at or above its review threshold: linked above the link threshold,
    waiting for a person's decision below it. The evidence (`{comparison: {"level": label, "weight":
    bits}}`) is kept for the pairs to review; never a value of either record."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    evidence = models.JSONField(_("evidence"), null=True, blank=True)

    class Meta:
        verbose_name = _("scored pair")
        verbose_name_plural = _("scored pairs")
        constraints = [models.CheckConstraint(condition=Q(first__lt=F("second")), name="scoredpair_ordered_pair")]
        indexes = [models.Index(fields=["run", "match_probability"], name="scoredpair_run_probability")]
