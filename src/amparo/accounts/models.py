from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.accounts.roles import DEFAULT_SCOPE, Role, Scope


class User(AbstractUser):
    """A person who works in Amparo, for one organisation, in one role."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ANALYST)
    scope = models.CharField(
        _("scope"),
        max_length=20,
        choices=Scope.choices,
        blank=True,
        help_text=_("Leave empty to use the role's default scope."),
    )

    @property
    def effective_scope(self) -> str:
        return self.scope or DEFAULT_SCOPE[Role(self.role)]
