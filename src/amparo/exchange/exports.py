"""Exports: registry cases in the exchange formats, as CSV, XLSX or JSON bytes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability, Scope
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.exchange import formats, selectors
from amparo.exchange.domain import writers
from amparo.registry.access import cases_visible_to

KINDS = {"amparo": ("csv", "xlsx", "json"), "htcds": ("csv", "xlsx", "json"),
         "ctdc-legacy": ("csv", "xlsx"), "ctdc-synthetic": ("csv", "xlsx")}
IDENTITY_FORMATS = ("amparo", "htcds")


class ExportRefused(ValueError):
    pass


def export_refusal(*, format_name: str, kind: str, include_identities: bool, user=None) -> str:
    """Why this export may not be made (empty if it may): for the form and for cases_export alike."""
    fmt = formats.get(format_name)
    if kind not in KINDS[fmt.NAME]:
        return _("The %(format)s format is written as %(kinds)s, not %(kind)s.") % {
            "format": fmt.LABEL, "kinds": ", ".join(KINDS[fmt.NAME]), "kind": kind}
    if include_identities and fmt.NAME not in IDENTITY_FORMATS:
        return _("CTDC files never contain identifying data.")
    if user is not None and not may(user, Capability.EXCHANGE):
        return _("Your role may not export cases.")
    if include_identities and user is not None and not may(user, Capability.IDENTITIES):
        return _("Your role may not export identifying data.")
    return ""


def cases_export(*, format_name: str, kind: str, year: int | None = None, source_id: int | None = None,
                 include_identities: bool = False, user=None) -> tuple[bytes, int]:
    """(file content, number of cases). Identities only when asked explicitly, and never in CTDC files.

    On behalf of a user (the web page, `amparo export --user`), only a role that may exchange data may
    export, and only the cases within the user's scope are written. Every export is audited (with the user,
    if any).
    """
    refusal = export_refusal(format_name=format_name, kind=kind, include_identities=include_identities, user=user)
    if refusal:
        raise ExportRefused(refusal)
    fmt = formats.get(format_name)
    within = cases_visible_to(user) if user is not None and user.effective_scope != Scope.ALL else None
    cases = selectors.cases_frame(year=year, source_id=source_id, within=within, include_identities=include_identities)
    if kind == "json":  # Amparo and HTCDS only: their perpetrators and events nested
        rows = fmt.from_cases(cases, include_identities, nested=True)
    else:
        rows = fmt.from_cases(cases, include_identities)
    audit_record(user=user, action=AuditAction.EXPORT, username="amparo export",
                 details={"format": fmt.NAME, "kind": kind, "year": year, "cases": cases.height,
                          "identities": include_identities})
    return writers.write(rows, kind), cases.height
