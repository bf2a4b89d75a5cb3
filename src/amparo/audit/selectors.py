"""Reading the audit log: the administrators' search."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from amparo.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    object_type: str = ""
    object_id: str = ""


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first; dates are whole days in the site's time zone."""
    events = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(username__icontains=filters.username)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.object_type:
        events = events.filter(object_type__iexact=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    return events.order_by("-at", "-id")
