from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "amparo.registry"
    verbose_name = _("Registry")

    def ready(self):
        from amparo.registry import signals  # noqa: F401  (marks the registry changed on single writes)
