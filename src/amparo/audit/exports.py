"""The audit log as a file: the events a search finds, as the page reads them, for whoever may read the log."""

from dataclasses import asdict

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.descriptions import described
from amparo.audit.models import AuditAction
from amparo.audit.selectors import AuditFilters, audit_events
from amparo.audit.services import audit_record
from amparo.core.tabular_files import write_frame

EXPORT_LIMIT = 100_000  # events in one file; a longer log is exported a period at a time
CHUNK = 2_000  # events described at once: their objects are named in a few queries per chunk
TOO_MANY = gettext_lazy(
    "%(count)s events match: a file holds at most %(limit)s. Choose a shorter period or another filter."
)


class AuditExportRefused(ValueError):
    pass


def audit_log_export(*, filters: AuditFilters, kind: str, user, request=None) -> bytes:
    """The matching events, newest first, as CSV or XLSX: time, user, action, object and details as sentences,
    address, and the sequence number that `amparo audit verify` checks. The export is itself audited."""
    require(user, Capability.AUDIT)
    events = audit_events(filters)
    count = events.count()
    if count > EXPORT_LIMIT:
        raise AuditExportRefused(TOO_MANY % {"count": count, "limit": EXPORT_LIMIT})
    columns = {
        "sequence": _("Sequence"),
        "time": _("Time"),
        "user": _("User"),
        "action": _("Action"),
        "object": _("Object"),
        "details": _("Details"),
        "address": _("Address"),
    }
    rows: dict[str, list] = {name: [] for name in columns}
    for start in range(0, count, CHUNK):
        for item in described(events[start : start + CHUNK]):
            event = item.event
            rows["sequence"].append(event.sequence)
            rows["time"].append(event.at.isoformat(timespec="seconds"))
            rows["user"].append(event.username)
            rows["action"].append(str(event.get_action_display()))
            rows["object"].append(item.object.text if item.object else "")
            rows["details"].append(" ".join(item.sentences))
            rows["address"].append(event.ip_address or "")
    frame = pl.DataFrame(rows, schema={name: pl.Int64 if name == "sequence" else pl.String for name in columns})
    audit_record(
        user=user,
        action=AuditAction.EXPORT,
        request=request,
        details={"audit_events": count, "kind": kind, "filters": _filters_said(filters)},
    )
    return write_frame(frame.rename(columns), kind)


def _filters_said(filters: AuditFilters) -> dict:
    return {name: str(value) for name, value in asdict(filters).items() if value}
