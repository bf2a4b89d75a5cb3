"""The audit log's hash chain, as transparency logs keep one: each event carries the hash of the one before it
and its own hash over a canonical serialisation of its content, so changing, removing, inserting or reordering
any stored event breaks a link that `verify_chain` finds.

A chain alone cannot tell a truncated tail or a wholesale rewrite (hashes recomputed) from the real log: a
signed checkpoint (sequence and hash of an event, kept outside the database) anchors it.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _

GENESIS = "0" * 64  # the previous hash of the first event


@dataclass(frozen=True)
class ChainEvent:
    """One stored event as the chain sees it: everything it hashes, then the hash it claims."""

    sequence: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    object_type: str
    object_id: str
    details: object
    ip_address: str | None
    previous_hash: str
    entry_hash: str = ""


@dataclass(frozen=True)
class ChainState:
    """The last event of a verified chain (or of a checkpoint): its sequence number and hash."""

    sequence: int
    entry_hash: str


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: ChainState
    broken: ChainBreak | None


def json_value(value):
    """`value` as JSON gives it back, whole numbers as integers: PostgreSQL's jsonb writes 1e+20 as
    100000000000000000000, so a float that is a whole number would hash differently once read back."""
    return json.loads(
        json.dumps(value, allow_nan=False),
        parse_float=lambda text: int(number) if (number := float(text)).is_integer() else number,
    )


def _utc_text(at: datetime) -> str:
    # Django keeps naive UTC times in SQLite.
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _address_text(address: str | None) -> str | None:
    """One spelling per address: PostgreSQL's inet and SQLite's text write IPv6 addresses differently."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


def canonical_form(event: ChainEvent) -> bytes:
    """The bytes an event's hash covers: its content and the previous hash, as JSON with sorted keys."""
    content = {
        "sequence": event.sequence,
        "at": _utc_text(event.at),
        "user_id": event.user_id,
        "username": event.username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "ip_address": _address_text(event.ip_address),
        "previous_hash": event.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def event_hash(event: ChainEvent) -> str:
    return hashlib.sha256(canonical_form(event)).hexdigest()


def verify_chain(events: Iterable[ChainEvent], checkpoint: ChainState | None = None) -> ChainReport:
    """Walk `events` in sequence order; report the first broken link, or a chain that lacks `checkpoint`'s state."""
    expected = ChainState(0, GENESIS)
    count = 0
    for event in events:
        broken = _first_fault(event, expected, checkpoint)
        if broken is not None:
            return ChainReport(count, expected, broken)
        expected = ChainState(event.sequence, event.entry_hash)
        count += 1
    if checkpoint is not None and expected.sequence < checkpoint.sequence:
        message = _(
            "The log ends at event %(last)s but a checkpoint was signed at event %(checkpoint)s: "
            "events were removed from its end, or the log was replaced."
        ) % {"last": expected.sequence, "checkpoint": checkpoint.sequence}
        return ChainReport(count, expected, ChainBreak(expected.sequence + 1, message))
    return ChainReport(count, expected, None)


def _first_fault(event: ChainEvent, expected: ChainState, checkpoint: ChainState | None) -> ChainBreak | None:
    following = expected.sequence + 1
    if event.sequence != following:
        message = _(
            "Event %(expected)s is missing: the next stored event is %(found)s "
            "(events were removed, inserted or renumbered)."
        ) % {"expected": following, "found": event.sequence}
        return ChainBreak(following, message)
    if event.previous_hash != expected.entry_hash:
        message = _(
            "Event %(sequence)s does not follow event %(before)s: it names another previous hash "
            "(an event before it was changed, removed or inserted)."
        ) % {"sequence": event.sequence, "before": expected.sequence}
        return ChainBreak(event.sequence, message)
    if event_hash(event) != event.entry_hash:
        message = _("Event %(sequence)s was changed: its content no longer matches its hash.") % {
            "sequence": event.sequence
        }
        return ChainBreak(event.sequence, message)
    if checkpoint is not None and event.sequence == checkpoint.sequence and event.entry_hash != checkpoint.entry_hash:
        message = _("Event %(sequence)s is not the one the checkpoint signed: the log was rewritten up to there.") % {
            "sequence": event.sequence
        }
        return ChainBreak(event.sequence, message)
    return None
