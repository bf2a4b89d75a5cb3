"""Every audit event is written by the one appender, `audit.services.audit_record`, which chains it."""

import re
from pathlib import Path

import amparo

PACKAGE = Path(amparo.__file__).parent
WRITES = re.compile(
    r"(?<!class )AuditEvent\(|AuditEvent\.objects\.(create|bulk_create|get_or_create|update_or_create)|"
    r"INSERT\s+(OR\s+\w+\s+)?INTO\s+audit_auditevent",
    re.IGNORECASE,
)
APPENDER = PACKAGE / "audit" / "services.py"


def test_only_the_appender_writes_audit_events():
    writers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and WRITES.search(path.read_text())
    )
    assert writers == [str(APPENDER.relative_to(PACKAGE))]
