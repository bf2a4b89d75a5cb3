import pytest

from tests.stats.cases import register_hand_made_cases


@pytest.fixture
def registry(db):
    """The statistics tests' hand-made registry (tests/stats/cases.py), whose counts are written out by hand."""
    return register_hand_made_cases()


@pytest.fixture
def synthetic_csv(db, tmp_path):
    """The calibrated synthetic registry of 2010-2012, loaded, and the CSV files it was made from."""
    from django.core.management import call_command

    out = tmp_path / "synthetic"
    call_command("synth", "--years", "2010-2012", "--out", str(out), "--load", stdout=open("/dev/null", "w"))
    return out
