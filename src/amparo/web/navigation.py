"""The main navigation: each page once, shown to the roles its view admits."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from amparo.accounts.roles import Role
from amparo.casework.permissions import CARE_ROLES, REGISTER_ROLES
from amparo.exchange.permissions import EXCHANGE_ROLES


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset | None  # None: every signed-in user


NAVIGATION = (
    NavItem("dashboard", _("Dashboard"), None),
    NavItem("dashboard-hotspots", _("Hot spots"), None),
    NavItem("case-list", _("Cases"), None),
    NavItem("case-create", _("Register a case"), REGISTER_ROLES),
    NavItem("casework-home", _("My casework"), CARE_ROLES),
    NavItem("exchange:import", _("Import"), EXCHANGE_ROLES),
    NavItem("exchange:export", _("Export"), EXCHANGE_ROLES),
    NavItem("audit-search", _("Audit log"), frozenset({Role.ADMINISTRATOR})),
    NavItem("two-factor-setup", _("Two-factor"), None),
)


def main_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_navigation": []}
    items = []
    for item in NAVIGATION:
        if item.roles is not None and user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "current": request.path == url})
    return {"main_navigation": items}
