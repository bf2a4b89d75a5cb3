"""Exports: registry cases in the exchange formats, as CSV, XLSX or JSON bytes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability, Scope
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core.tabular_files import write_frame
from amparo.exchange import formats, selectors
from amparo.exchange.models import ImportBatch
from amparo.exchange.rejections import rejected_rows_frame
from amparo.registry.access import cases_visible_to
from amparo.registry.case_filter import CaseFilter, provenance
from amparo.registry.selectors import registry_revision


class ExportRefused(ValueError):
    pass


def export_refusal(*, format_name: str, kind: str, include_identities: bool, user=None) -> str:
    """Why this export may not be made (empty if it may): for the form and for cases_export alike."""
    fmt = formats.get(format_name)
    if kind not in fmt.KINDS:
        return _("The %(format)s format is written as %(kinds)s, not %(kind)s.") % {
            "format": fmt.LABEL,
            "kinds": ", ".join(fmt.KINDS),
            "kind": kind,
        }
    if include_identities and not fmt.IDENTITIES:
        return _("CTDC files never contain identifying data.")
    if user is not None and not may(user, Capability.EXCHANGE):
        return _("Your role may not export cases.")
    if include_identities and user is not None and not may(user, Capability.IDENTITIES):
        return _("Your role may not export identifying data.")
    return ""


def cases_export(
    *,
    format_name: str,
    kind: str,
    year: int | None = None,
    source_id: int | None = None,
    include_identities: bool = False,
    user=None,
) -> tuple[bytes, int]:
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
    cases, revision = _cases_at_one_revision(
        year=year, source_id=source_id, within=within, include_identities=include_identities
    )
    rows = fmt.from_cases(cases, include_identities=include_identities, nested=kind == "json")
    selection = CaseFilter(
        years=(year,) if year is not None else (), source_organisation_ids=(source_id,) if source_id is not None else ()
    )
    computed_from = provenance(selection, revision, **({"scope": user.effective_scope} if within is not None else {}))
    audit_record(
        user=user,
        action=AuditAction.EXPORT,
        username="amparo export",
        details={
            "format": fmt.NAME,
            "kind": kind,
            "year": year,
            "cases": cases.height,
            "identities": include_identities,
            **computed_from,
        },
    )
    return write_frame(rows, kind, computed_from), cases.height


def rejected_rows_export(*, batch: ImportBatch, kind: str, user, request=None) -> bytes:
    """An import's rejected rows as they were in the file, with their problems, to fix and import again; with
    their identifying cells for a role that may see identities. Audited as the export it is."""
    if not may(user, Capability.EXCHANGE):
        raise ExportRefused(_("Your role may not export cases."))
    reveal = may(user, Capability.IDENTITIES)
    frame = rejected_rows_frame(batch, reveal_identities=reveal)
    audit_record(
        user=user,
        action=AuditAction.EXPORT,
        obj=batch,
        request=request,
        details={"rejected_rows": frame.height, "kind": kind, "identities": reveal},
    )
    return write_frame(frame, kind)


def _cases_at_one_revision(*, attempts: int = 3, **selection):
    """(cases frame, registry revision) read while no write changed the registry: every write changes the
    revision in its own transaction, so the same revision before and after the reads dates them exactly."""
    for _attempt in range(attempts):
        revision = registry_revision()
        cases = selectors.cases_frame(**selection)
        if registry_revision() == revision:
            return cases, revision
    raise ExportRefused(
        _(
            "The registry changed while the cases were read, %(attempts)s times; export again "
            "when the imports in progress are over."
        )
        % {"attempts": attempts}
    )
