"""Writing to the audit log. Every service that touches sensitive data calls `audit_record` or `audit_change`."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings

from amparo.audit.models import AuditAction, AuditEvent
from amparo.core.fields import EncryptedTextField

SEALED = "[sealed]"
# Identifying values never enter the log in clear, whatever model they come from.
IDENTIFYING_FIELDS = frozenset({
    "first_name", "second_name", "last_name", "full_name", "name", "birthdate", "birth_date",
    "identity_number", "identity_number_hash", "address", "phone", "email",
})


def client_address(request) -> str | None:
    """The client's address; behind Amparo's own proxy (AMPARO_BEHIND_PROXY), the one that proxy appended
    to X-Forwarded-For (the right-most entry: the ones before it are whatever the client claimed).

    django-axes uses this too (AXES_CLIENT_IP_CALLABLE), so lockouts and the log agree on the address.
    """
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def audit_record(*, user, action: str, obj=None, details: dict | None = None, request=None,
                 username: str = "") -> AuditEvent:
    """Append one event. `details` must never hold identifying values in clear (names, DNI)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else username,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=details or {},
        ip_address=client_address(request),
    )


def sealed_field_names(obj) -> frozenset[str]:
    """The fields of obj's model that must not appear in clear: sealed fields and known identifying names."""
    encrypted = {f.name for f in obj._meta.get_fields() if isinstance(f, EncryptedTextField)}
    return frozenset(encrypted) | IDENTIFYING_FIELDS


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


def changed_values(before: dict, after: dict, sealed: frozenset[str]) -> dict:
    """{field: {"old": ..., "new": ...}} for the fields whose value changed; sealed fields show "[sealed]"."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in sealed:
            changes[name] = {"old": SEALED, "new": SEALED}
        else:
            changes[name] = {"old": _loggable(old), "new": _loggable(new)}
    return changes


def audit_change(user, obj, before: dict, after: dict, request=None) -> AuditEvent | None:
    """Log a change with its old and new values (changed fields only); nothing is written if nothing changed."""
    changes = changed_values(before, after, sealed_field_names(obj))
    if not changes:
        return None
    return audit_record(user=user, action=AuditAction.CHANGE, obj=obj, details={"changes": changes}, request=request)
