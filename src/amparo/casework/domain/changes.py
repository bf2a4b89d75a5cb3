"""What an edit changed in a case, ready for the audit log, with identifying values sealed."""

from dataclasses import asdict
from datetime import date

from amparo.registry.records import CaseRecord

SEALED = "[sealed]"
IDENTIFYING_KEYS = frozenset({"first_name", "second_name", "birthdate", "identity_number"})


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(value)
    return value


def _flatten(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, item in enumerate(value):
            _flatten(f"{prefix}[{i}]", item, out)
    else:
        out[prefix] = _plain(value)


def flatten_record(record: CaseRecord | dict) -> dict:
    """Every field of a case record (or of its dict form) under a dotted name (`victim.gender`,
    `perpetrators[0].relationship`)."""
    out: dict = {}
    _flatten("", record if isinstance(record, dict) else asdict(record), out)
    return out


def is_identifying(key: str) -> bool:
    return key.rsplit(".", 1)[-1] in IDENTIFYING_KEYS


def record_changes(before: CaseRecord | dict, after: CaseRecord | dict) -> dict[str, dict]:
    """{field: {"old": ..., "new": ...}} for every field that differs; identifying values as "[sealed]"."""
    old, new = flatten_record(before), flatten_record(after)
    changes = {}
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a in ("", None) and b in ("", None) or a == b:
            continue
        if is_identifying(key):
            a, b = SEALED, SEALED
        changes[key] = {"old": a, "new": b}
    return changes
