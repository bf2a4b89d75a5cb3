"""Writing to the audit log. Every service that touches sensitive data calls `audit_record` or `audit_change`.

`audit_record` is the one appender: it chains each event to the one before it
(`audit.domain.chain`). `audit_change` holds the one diff of old and new values
the log keeps; sealed values never enter it in clear.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from amparo.audit.domain.chain import GENESIS, ChainEvent, ChainState, event_hash, json_value
from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.selectors import audit_chain_head
from amparo.core.fields import encrypted_fields

SEALED = "[sealed]"
# Identifying values never enter the log in clear, whatever model they come from, sealed in it or not.
IDENTIFYING_FIELDS = frozenset(
    {
        "first_name",
        "second_name",
        "last_name",
        "full_name",
        "name",
        "birthdate",
        "birth_date",
        "identity_number",
        "identity_number_hash",
        "address",
        "phone",
        "email",
    }
)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, which `amparo serve` takes from X-Forwarded-For only when the request
    came from Amparo's own proxy (AMPARO_BEHIND_PROXY, AMPARO_PROXY_ADDRESS); a header from anyone else is
    removed before Django sees it, so Django never reads forwarding headers itself.

    django-axes uses this too (AXES_CLIENT_IP_CALLABLE), so lockouts and the log agree on the address.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def audit_record(
    *, user, action: str, obj=None, details: dict | None = None, request=None, username: str = ""
) -> AuditEvent:
    """Append one event to the chain. `details` must never hold identifying values in clear (names, DNI).

    The chain's head is locked from here to the end of the caller's transaction, so concurrent writers append
    one after the other and the chain never forks: call this last in a transaction.
    """
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    event = AuditEvent(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else username,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=json_value(details or {}),
        ip_address=client_address(request),
    )
    with transaction.atomic():
        _lock_chain_head()
        head = audit_chain_head() or ChainState(0, GENESIS)
        event.sequence, event.previous_hash = head.sequence + 1, head.entry_hash
        event.at = timezone.now()
        event.entry_hash = event_hash(
            ChainEvent(
                sequence=event.sequence,
                at=event.at,
                user_id=event.user_id,
                username=event.username,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                details=event.details,
                ip_address=event.ip_address,
                previous_hash=event.previous_hash,
            )
        )
        event.save(force_insert=True)
    return event


# SQLite lets one writer at a time in (Amparo opens its transactions IMMEDIATE), so it needs no lock of its own;
# PostgreSQL's transaction-level advisory lock is released at commit or rollback.
_CHAIN_LOCK_KEY = 0x616D7061726F  # "amparo"
_CHAIN_HEAD_LOCKS = {"sqlite": None, "postgresql": "SELECT pg_advisory_xact_lock(%s)"}


def _lock_chain_head() -> None:
    sql = _CHAIN_HEAD_LOCKS[connection.vendor]
    if sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [_CHAIN_LOCK_KEY])


@cache
def sealed_names() -> frozenset[str]:
    """Names whose values are logged as "[sealed]": every EncryptedTextField of any model (found by
    introspection, so a new sealed field is covered without listing it) and the identifying names above."""
    return frozenset(name for names in encrypted_fields().values() for name in names) | IDENTIFYING_FIELDS


def is_sealed(name: str) -> bool:
    """Whether a changed value is logged sealed; for a path into a record (`events[0].description`,
    `perpetrators[1].person.first_name`) the field at its end decides."""
    return name.rsplit(".", 1)[-1] in sealed_names()


def _loggable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (date, datetime, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_loggable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _loggable(v) for k, v in value.items()}
    return str(value)


def _empty(value) -> bool:
    return value is None or value == ""


def changed_values(before: dict, after: dict) -> dict:
    """{name: {"old": ..., "new": ...}} for the names whose value changed (empty text and no value are the
    same); sealed names show "[sealed]" for both."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new or (_empty(old) and _empty(new)):
            continue
        if is_sealed(name):
            changes[name] = {"old": SEALED, "new": SEALED}
        else:
            changes[name] = {"old": _loggable(old), "new": _loggable(new)}
    return changes


def audit_change(*, user, obj, before: dict, after: dict, request=None, details: dict | None = None) -> AuditEvent:
    """Log a write with the old and new values of what it changed (`details["changed"]`, sealed values sealed).

    `before` and `after` are read back from what is stored, before and after the write, so the log says what
    the write did, not what a form sent.
    """
    return audit_record(
        user=user,
        action=AuditAction.CHANGE,
        obj=obj,
        request=request,
        details={**(details or {}), "changed": changed_values(before, after)},
    )
