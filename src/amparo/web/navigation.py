"""The main navigation: each page once, shown to those who hold the capability its view requires."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.casework.selectors import plans_awaiting_decision


def _plans_awaiting(user) -> int:
    return len(plans_awaiting_decision(user))


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    capability: Capability | None  # None: every signed-in user
    count: Callable[..., int] | None = None  # how many things there wait for the user, shown beside the label


NAVIGATION = (
    NavItem("dashboard", _("Dashboard"), None),
    NavItem("dashboard-hotspots", _("Hot spots"), None),
    NavItem("case-list", _("Cases"), Capability.CASES),
    NavItem("case-create", _("Register a case"), Capability.REGISTER),
    NavItem("casework-caseload", _("My caseload"), Capability.CARE),
    NavItem("casework-home", _("My casework"), Capability.CARE),
    NavItem("casework-queue", _("Plans to decide"), Capability.APPROVE, _plans_awaiting),
    NavItem("exchange:import", _("Import"), Capability.EXCHANGE),
    NavItem("exchange:export", _("Export"), Capability.EXCHANGE),
    NavItem("linkage:review", _("Record linkage"), Capability.LINK),
    NavItem("release-list", _("Releases"), Capability.RELEASE),
    NavItem("public-index", _("Published statistics"), None),
    NavItem("audit-search", _("Audit log"), Capability.AUDIT),
    NavItem("account-list", _("User accounts"), Capability.USERS),
    NavItem("two-factor-setup", _("Two-factor"), None),
)


def main_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_navigation": []}
    items = []
    for item in NAVIGATION:
        if item.capability is not None and not may(user, item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        count = item.count(user) if item.count is not None else None
        items.append({"url": url, "label": item.label, "current": request.path == url, "count": count})
    return {"main_navigation": items}
