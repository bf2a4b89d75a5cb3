"""Reading the audit log: the administrators' search, and the chain as `audit verify` walks it."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from amparo.audit.domain.chain import ChainEvent, ChainState
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


# Plain rows, not model instances: a log of millions of events is walked in bounded memory.
CHAIN_COLUMNS = (
    "sequence, at, user_id, username, action, object_type, object_id, details, ip_address, previous_hash, entry_hash"
)
CHUNK_ROWS = 10_000


def chain_event_of_row(row) -> ChainEvent:
    """A row of CHAIN_COLUMNS as the chain sees it; `details` comes as JSON text from both databases."""
    sequence, at, user_id, username, action, object_type, object_id, details, ip, previous, entry = row
    return ChainEvent(
        sequence=sequence,
        at=at,
        user_id=user_id,
        username=username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=json.loads(details) if isinstance(details, (str, bytes)) else details,
        ip_address=ip,
        previous_hash=previous,
        entry_hash=entry,
    )


def audit_chain() -> Iterator[ChainEvent]:
    """Every event in sequence order, streamed from one query (one consistent snapshot) in chunks."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_auditevent ORDER BY sequence")
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield from map(chain_event_of_row, rows)


def audit_chain_head() -> ChainState | None:
    """The last event's sequence number and hash; None for an empty log."""
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    return ChainState(*head) if head is not None else None
