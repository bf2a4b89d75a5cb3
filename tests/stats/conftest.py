import pytest

from tests.stats.cases import register_hand_made_cases


@pytest.fixture
def registry(db):
    """The hand-made registry of tests/stats/cases.py; returns its two organisations."""
    return register_hand_made_cases()
