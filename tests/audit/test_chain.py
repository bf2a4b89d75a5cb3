"""The hash chain itself (plain Python): the canonical form each hash covers, and the first broken link found."""

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from amparo.audit.domain.chain import GENESIS, ChainEvent, ChainState, event_hash, json_value, verify_chain


def _chain(length: int) -> list[ChainEvent]:
    events, previous = [], GENESIS
    for sequence in range(1, length + 1):
        event = ChainEvent(
            sequence=sequence,
            at=datetime(2026, 12, 1, 9, 0, sequence, tzinfo=UTC),
            user_id=7,
            username="registrar",
            action="view_identity",
            object_type="registry.Case",
            object_id=str(sequence),
            details={},
            ip_address="10.0.0.1",
            previous_hash=previous,
        )
        event = replace(event, entry_hash=event_hash(event))
        events.append(event)
        previous = event.entry_hash
    return events


def test_the_hash_covers_a_canonical_json_form_written_out_by_hand():
    event = ChainEvent(
        sequence=3,
        at=datetime(2026, 12, 1, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=-5))),
        user_id=None,
        username="ñusta",
        action="login_failed",
        object_type="",
        object_id="",
        details={"z": [1, 2.5], "a": {"b": None}},
        ip_address="2001:DB8:0:0:0:0:0:1",
        previous_hash="ab" * 32,
    )
    by_hand = (
        '{"action":"login_failed","at":"2026-12-01T09:05:06.000007Z","details":{"a":{"b":null},"z":[1,2.5]},'
        '"ip_address":"2001:db8::1","object_id":"","object_type":"","previous_hash":"' + "ab" * 32 + '",'
        '"sequence":3,"user_id":null,"username":"ñusta"}'
    )
    assert event_hash(event) == hashlib.sha256(by_hand.encode()).hexdigest()


def test_naive_times_are_read_as_utc_as_django_stores_them_in_sqlite():
    event = _chain(1)[0]
    assert event_hash(replace(event, at=event.at.replace(tzinfo=None))) == event.entry_hash


def test_whole_numbers_are_kept_as_integers_so_postgresql_reads_them_back_the_same():
    assert json_value({"epsilon": 2.0, "big": 1e20, "half": 0.5, "n": 3}) == {
        "epsilon": 2,
        "big": 100000000000000000000,
        "half": 0.5,
        "n": 3,
    }
    assert isinstance(json_value({"x": 2.0})["x"], int)


def test_an_intact_chain_verifies_to_its_last_event():
    events = _chain(5)
    report = verify_chain(events)
    assert (report.events, report.head, report.broken) == (5, ChainState(5, events[-1].entry_hash), None)


def test_an_empty_log_is_intact():
    assert verify_chain([]).broken is None


@pytest.mark.parametrize(
    ("tamper", "sequence", "words"),
    [
        (lambda e: e[:2] + [replace(e[2], action="login")] + e[3:], 3, "was changed"),
        (lambda e: e[:2] + e[3:], 3, "is missing"),
        (lambda e: e[:2] + [e[3], e[2]] + e[4:], 3, "is missing"),
        (lambda e: e[1:], 1, "is missing"),
        (
            lambda e: (
                e[:2] + [replace(e[2], action="login", entry_hash=event_hash(replace(e[2], action="login")))] + e[3:]
            ),
            4,
            "does not follow",
        ),
        (lambda e: e[:2] + [replace(e[3], sequence=3)] + [replace(e[2], sequence=4)] + e[4:], 3, "does not follow"),
    ],
    ids=["changed", "deleted", "reordered", "head removed", "changed and rehashed", "renumbered"],
)
def test_the_first_broken_link_is_reported(tamper, sequence, words):
    report = verify_chain(tamper(_chain(6)))
    assert report.broken is not None and report.broken.sequence == sequence and words in report.broken.message


def test_a_truncated_tail_verifies_alone_but_not_against_a_checkpoint():
    events = _chain(6)
    checkpoint = ChainState(5, events[4].entry_hash)
    assert verify_chain(events[:3]).broken is None
    broken = verify_chain(events[:3], checkpoint).broken
    assert broken is not None and "ends at event 3" in broken.message
    assert verify_chain(events, checkpoint).broken is None


def test_a_chain_rewritten_with_fresh_hashes_does_not_hold_the_checkpoint():
    original = _chain(4)
    checkpoint = ChainState(4, original[-1].entry_hash)
    rewritten, previous = [], GENESIS
    for event in original:
        forged = replace(event, username="someone else", previous_hash=previous)
        forged = replace(forged, entry_hash=event_hash(forged))
        rewritten.append(forged)
        previous = forged.entry_hash
    assert verify_chain(rewritten).broken is None
    broken = verify_chain(rewritten, checkpoint).broken
    assert broken is not None and broken.sequence == 4 and "rewritten" in broken.message
