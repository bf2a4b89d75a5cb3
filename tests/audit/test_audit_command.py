"""`amparo audit verify` and `amparo audit checkpoint` on the test database (SQLite or PostgreSQL)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from amparo.audit.models import AuditAction, AuditEvent
from amparo.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _audit(*args) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def _verify(*args) -> str:
    return _audit("verify", *args)


@pytest.fixture
def events(registrar):
    """Events whose details and addresses each database stores in its own way (jsonb, inet, text)."""
    request = RequestFactory().get("/", REMOTE_ADDR="2001:DB8:0:0::1")
    audit_record(user=registrar, action=AuditAction.LOGIN, request=request)
    audit_record(
        user=registrar,
        action=AuditAction.EXPORT,
        details={"epsilon": 2.0, "share": 0.125, "big": 10**20, "text": "Ñaña “quoted” \\ /", "rows": [3, None]},
    )
    audit_record(user=None, action=AuditAction.LOGIN_FAILED, username="nobody", details={"nested": {"b": 1, "a": 2}})
    return list(AuditEvent.objects.order_by("sequence"))


def test_events_are_appended_in_sequence_each_naming_the_one_before(events):
    assert [e.sequence for e in events] == [1, 2, 3]
    assert [e.previous_hash for e in events[1:]] == [e.entry_hash for e in events[:-1]]


def test_an_untampered_log_verifies(events):
    output = _verify()
    assert "intact: 3 events" in output and events[-1].entry_hash in output


def test_an_event_is_added_only_by_the_appender(registrar):
    with pytest.raises(PermissionError):
        AuditEvent(action=AuditAction.LOGIN, username="forged").save()


def test_a_checkpoint_is_verified_while_the_chain_holds_it(events, tmp_path):
    path = tmp_path / "checkpoint.json"
    _audit("checkpoint", "--out", str(path))
    document = json.loads(path.read_text())
    assert (document["sequence"], document["hash"]) == (3, events[-1].entry_hash)
    audit_record(user=None, action=AuditAction.LOGIN_FAILED, username="later")
    assert "holds the state" in _verify("--checkpoint", str(path))


def test_a_checkpoint_is_never_written_over(events, tmp_path):
    path = tmp_path / "checkpoint.json"
    path.write_text("kept")
    with pytest.raises(CommandError, match="exists"):
        _audit("checkpoint", "--out", str(path))
    assert path.read_text() == "kept"


def test_an_edited_checkpoint_fails_its_signature(events, tmp_path):
    path = tmp_path / "checkpoint.json"
    _audit("checkpoint", "--out", str(path))
    document = json.loads(path.read_text())
    document["sequence"] = 2
    document["hash"] = events[1].entry_hash
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="signature"):
        _verify("--checkpoint", str(path))


def test_a_checkpoint_signed_by_another_key_is_refused(events, tmp_path, monkeypatch):
    path = tmp_path / "checkpoint.json"
    monkeypatch.setenv("AMPARO_AUDIT_SIGNING_KEY", "another installation's key")
    _audit("checkpoint", "--out", str(path))
    monkeypatch.delenv("AMPARO_AUDIT_SIGNING_KEY")
    with pytest.raises(CommandError, match="signature"):
        _verify("--checkpoint", str(path))


def test_a_file_that_is_no_checkpoint_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not json")
    with pytest.raises(CommandError, match="notes.txt is not an Amparo audit checkpoint"):
        _verify("--checkpoint", str(path))
