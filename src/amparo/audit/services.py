"""Writing to the audit log. Every service that touches sensitive data calls `audit_record`."""

from amparo.audit.models import AuditEvent


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
