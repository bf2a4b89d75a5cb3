import pytest

from tests.stats.cases import register_hand_made_cases


@pytest.fixture
def registry(db):
    """The statistics tests' hand-made registry (tests/stats/cases.py), whose counts are written out by hand."""
    return register_hand_made_cases()
