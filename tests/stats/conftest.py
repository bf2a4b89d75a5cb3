import pytest

from tests.stats.cases import register_hand_made_cases
from tests.stats.routes import register_route_cases


@pytest.fixture
def registry(db):
    """The hand-made registry of tests/stats/cases.py; returns its two organisations."""
    return register_hand_made_cases()


@pytest.fixture
def routes(db):
    """Cases registered for their routes (tests/stats/routes.py), counted by hand there."""
    return register_route_cases()
