"""Single saves and deletes of registry rows (forms, admin, tests) mark the registry as changed.

Bulk writes send no signals; the registry and exchange services call registry_changed themselves.
"""

from django.db.models.signals import post_delete, post_save

from amparo.registry.models import Case, CaseCode, Perpetrator, Person, TraffickingEvent
from amparo.registry.services import registry_changed


def _changed(sender, **kwargs):
    registry_changed()


for _model in (Case, CaseCode, Perpetrator, Person, TraffickingEvent):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"registry-changed-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"registry-changed-delete-{_model.__name__}")
