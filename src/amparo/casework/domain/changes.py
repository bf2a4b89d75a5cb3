"""A case record as flat, dotted field names: what the audit diff (audit.services.changed_values) compares."""

from dataclasses import asdict
from datetime import date

from amparo.registry.records import CaseRecord


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
    `perpetrators[0].relationship`, `events[1].description`); the field name ends the path."""
    out: dict = {}
    _flatten("", record if isinstance(record, dict) else asdict(record), out)
    return out
