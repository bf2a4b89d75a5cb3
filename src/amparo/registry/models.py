"""The registry: organisations, people, cases, perpetrators and trafficking events, in HTCDS terms.

A person's identifying fields live apart from the statistical ones
(PersonIdentity), sealed at rest. A case's place (department, province,
district) and its family-facilitated flag are derived from its events and
perpetrators by the registry services, and indexed for the statistics.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core import codelists
from amparo.core.fields import EncryptedTextField
from amparo.core.record_keys import new_record_key
from amparo.registry.records import CODE_LISTS, SOURCE_RECORD_ID_LENGTH


class Organisation(models.Model):
    """A source of records or a user's employer (HTCDS org_*)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    org_type = models.CharField(_("type"), max_length=40, choices=codelists.ORGANISATION_TYPE.choices)
    country = models.CharField(_("country"), max_length=2, default="PE", help_text=_("ISO 3166-1 alpha-2"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Person(models.Model):
    """An individual (victim, perpetrator or caregiver): statistical fields only."""

    gender = models.CharField(_("gender"), max_length=30, choices=codelists.GENDER.choices, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return _("Person %(id)s") % {"id": self.pk}


class PersonIdentity(models.Model):
    """What identifies a person. Every field is sealed; only the keyed hash can be searched."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="identity")
    first_name = EncryptedTextField(pgettext_lazy("person", "first name"), blank=True)
    second_name = EncryptedTextField(_("surnames"), blank=True)
    birthdate = EncryptedTextField(_("birth date"), blank=True, help_text=_("YYYY-MM-DD"))
    identity_number = EncryptedTextField(_("identity number"), blank=True)
    identity_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField(pgettext_lazy("person", "address"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    @property
    def birth_date(self) -> date | None:
        return date.fromisoformat(self.birthdate) if self.birthdate else None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.second_name) if part)


class NameToken(models.Model):
    """One term of a person's name (core.names.index_terms) as a keyed hash: the blind index that finds people
    by name (registry.name_index) without any name, or part of one, stored in clear."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False)
    token = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "token"], name="nametoken_person_token")]
        indexes = [models.Index(fields=["token", "person"], name="nametoken_token_person")]


class Case(models.Model):
    """One victim's case as reported by one source (HTCDS cas_* and vic_*)."""

    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("victim"))
    # Looked up through case_unique_source_record, which starts with it: no index of its own.
    source_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("source organisation"),
        db_index=False,
    )
    source_record_id = models.CharField(_("source record id"), max_length=SOURCE_RECORD_ID_LENGTH)
    registration_date = models.DateField(_("registration date"), db_index=True)
    status = models.CharField(_("case status"), max_length=20, choices=codelists.CASE_STATUS.choices, default="Active")
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=40,
        choices=codelists.TRAFFICKING_STATUS.choices,
        default="PossibleVictimOfTrafficking",
    )
    trafficking_status_decision_org = models.CharField(
        _("trafficking status decided by"),
        max_length=40,
        choices=codelists.TRAFFICKING_STATUS_DECISION_ORG.choices,
        blank=True,
    )
    forced_labour_industry = models.CharField(
        _("forced labour industry"), max_length=60, choices=codelists.FORCED_LABOUR_INDUSTRY.choices, blank=True
    )
    age_when_trafficked = models.PositiveSmallIntegerField(_("age when trafficked"), null=True, blank=True)
    organised_network = models.CharField(
        _("organised network involved"), max_length=10, choices=codelists.ORGANISED_NETWORK.choices, default="unknown"
    )
    legal_article = models.CharField(
        _("legal article"), max_length=20, choices=codelists.LEGAL_ARTICLE.choices, blank=True
    )
    # Derived by registry.services from the events and perpetrators; never edited by hand.
    department_code = models.CharField(_("department"), max_length=2, blank=True, editable=False)
    province_code = models.CharField(_("province"), max_length=4, blank=True, editable=False)
    district_code = models.CharField(_("district"), max_length=6, blank=True, editable=False)
    family_facilitated = models.BooleanField(_("family-facilitated"), default=False, editable=False)

    # Random, drawn when the case is stored and never changed: the statistics perturb each cell by the sum of
    # its cases' keys (amparo.stats.domain.cellkey). Not identifying, but never shown: whoever knew the keys
    # could take the noise off.
    record_key = models.IntegerField(_("record key"), default=new_record_key, editable=False)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("case owner"),
        db_index=False,  # indexed by case_owner
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Incremented by every save; guards against lost updates.")
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registration_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_organisation", "source_record_id"], name="case_unique_source_record"
            ),
            models.CheckConstraint(condition=Q(age_when_trafficked__lte=120), name="case_age_plausible"),
            models.CheckConstraint(
                condition=Q(trafficking_status__in=codelists.TRAFFICKING_STATUS.values),
                name="case_trafficking_status_valid",
            ),
            models.CheckConstraint(condition=Q(status__in=codelists.CASE_STATUS.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(organised_network__in=codelists.ORGANISED_NETWORK.values),
                name="case_organised_network_valid",
            ),
        ]
        # No index for the statistics: they aggregate an in-memory snapshot (amparo.stats.snapshot),
        # and every index is paid for by each imported case. Imported cases have no owner, so the
        # owner's index leaves them out.
        indexes = [models.Index(fields=["owner"], condition=Q(owner__isnull=False), name="case_owner")]

    def __str__(self):
        return f"{self.source_organisation_id}:{self.source_record_id}"

    def codes(self, field: str) -> list[str]:
        return [c.code for c in self.coded_values.all() if c.field == field]


class CaseCode(models.Model):
    """One value of a case's multi-valued HTCDS field (exploitation types, methods of control, ...)."""

    class Field(models.TextChoices):
        EXPLOITATION = "vic_TypeOfExploitation", _("Type of exploitation")
        CONTROL = "vic_MethodsOfControl", _("Methods of control")
        RECRUITMENT = "vic_MethodOfRecruitment", _("Method of recruitment")
        SEX_EXPLOITATION = "vic_TypeOfSexExploitation", _("Type of sexual exploitation")

    # Looked up through casecode_unique, which starts with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="coded_values", db_index=False)
    field = models.CharField(max_length=30, choices=Field.choices)
    code = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "field", "code"], name="casecode_unique")]


CODELIST_OF_FIELD = {field: codelist for field, _attribute, codelist in CODE_LISTS}


class Perpetrator(models.Model):
    """A person who took part in trafficking the victim of a case (HTCDS per_*)."""

    # Looked up through perpetrator_case_relationship, which starts with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators", db_index=False)
    # Most perpetrators are known by their relationship alone: perpetrator_person leaves them out.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="perpetrations", db_index=False
    )
    relationship = models.CharField(
        _("relationship to the victim"),
        max_length=30,
        choices=codelists.RECRUITER_RELATIONSHIP.choices,
        default="unknown",
    )
    lives_in_household = models.BooleanField(_("lives in the victim's household"), default=False)
    roles = models.JSONField(_("role in the process"), default=list, blank=True, help_text=_("per_RoleInProcess codes"))

    class Meta:
        verbose_name = _("perpetrator")
        verbose_name_plural = _("perpetrators")
        constraints = [
            models.CheckConstraint(
                condition=Q(relationship__in=codelists.RECRUITER_RELATIONSHIP.values),
                name="perpetrator_relationship_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "relationship"], name="perpetrator_case_relationship"),
            models.Index(fields=["person"], condition=Q(person__isnull=False), name="perpetrator_person"),
        ]

    @property
    def is_relative(self) -> bool:
        return self.relationship in codelists.RELATIVE_RELATIONSHIPS


class RegistryRevision(models.Model):
    """A token that changes with every write to the statistical content of the registry (one row).

    The statistics keep a columnar snapshot of the registry in memory and reload it when this
    token differs from the one it was read at; a random token (not a counter) stays safe when a
    transaction that changed it is rolled back.
    """

    token = models.CharField(max_length=32)


class TraffickingEvent(models.Model):
    """Recruitment, transit or exploitation, with its place (ubigeo in Peru, or a country) and date (hte_*)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(_("event type"), max_length=20, choices=codelists.EVENT_TYPE.choices)
    country = models.CharField(_("country"), max_length=2, default="PE", help_text=_("ISO 3166-1 alpha-2"))
    ubigeo = models.CharField(_("ubigeo"), max_length=6, blank=True, help_text=_("INEI code of the place in Peru"))
    date = models.DateField(_("date"), null=True, blank=True)
    # Free text: a case worker's account of what happened may name the victim or a relative.
    description = EncryptedTextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("trafficking event")
        verbose_name_plural = _("trafficking events")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(event_type__in=codelists.EVENT_TYPE.values), name="event_type_valid"),
            models.CheckConstraint(condition=Q(ubigeo="") | Q(country="PE"), name="event_ubigeo_only_in_peru"),
        ]
