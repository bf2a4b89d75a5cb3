"""Single saves and deletes of what the statistics count (forms, admin, tests) mark the registry as changed.

Bulk writes send no signals; the registry services that make them call registry_changed themselves.
Codes and perpetrators are only deleted by services that then call case_refresh_derived (which
marks the change), so they have no delete receiver: one would cost Django's single-statement
delete of a case's rows. Events count only through the place they give their case, which
case_refresh_derived writes; a person counts only as a victim, so a new caregiver does not make
every process reload.
"""

from django.db.models.signals import post_delete, post_save

from amparo.registry.models import Case, CaseCode, Perpetrator, Person
from amparo.registry.services import registry_changed


def _changed(sender, **kwargs):
    registry_changed()


def _person_saved(sender, instance, created, **kwargs):
    if not created and Case.objects.filter(victim_id=instance.pk).exists():
        registry_changed()


for _model in (Case, CaseCode, Perpetrator):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"registry-changed-save-{_model.__name__}")
post_delete.connect(_changed, sender=Case, dispatch_uid="registry-changed-delete-Case")
post_save.connect(_person_saved, sender=Person, dispatch_uid="registry-changed-save-Person")
