"""Exports: registry cases in the exchange formats, as CSV, XLSX or JSON bytes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.exchange import formats, selectors
from amparo.exchange.domain import writers

KINDS = {"amparo": ("csv", "xlsx", "json"), "htcds": ("csv", "xlsx", "json"),
         "ctdc-legacy": ("csv", "xlsx"), "ctdc-synthetic": ("csv", "xlsx")}
IDENTITY_FORMATS = ("amparo", "htcds")


class ExportRefused(ValueError):
    pass


def cases_export(*, format_name: str, kind: str, year: int | None = None, source_id: int | None = None,
                 include_identities: bool = False, user=None) -> tuple[bytes, int]:
    """(file content, number of cases). Identities only when asked explicitly, and never in CTDC files."""
    fmt = formats.get(format_name)
    if kind not in KINDS[fmt.NAME]:
        raise ExportRefused(_("The %(format)s format is written as %(kinds)s, not %(kind)s.")
                            % {"format": fmt.LABEL, "kinds": ", ".join(KINDS[fmt.NAME]), "kind": kind})
    if include_identities and fmt.NAME not in IDENTITY_FORMATS:
        raise ExportRefused(_("CTDC files never contain identifying data."))
    if include_identities and user is not None and not getattr(user, "may_see_identities", False):
        raise ExportRefused(_("Your role may not export identifying data."))
    cases = selectors.cases_frame(year=year, source_id=source_id, include_identities=include_identities)
    if kind == "json":  # Amparo and HTCDS only: their perpetrators and events nested
        rows = fmt.from_cases(cases, include_identities, nested=True)
    else:
        rows = fmt.from_cases(cases, include_identities)
    if include_identities or user is not None:
        audit_record(user=user, action=AuditAction.EXPORT, username="amparo export",
                     details={"format": fmt.NAME, "kind": kind, "year": year, "cases": cases.height,
                              "identities": include_identities})
    return writers.write(rows, kind), cases.height
