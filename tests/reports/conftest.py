import io

import pytest

from tests.reports.boundaries import PERU, write_grid
from tests.stats.cases import register_hand_made_cases
from tests.stats.routes import register_route_cases


@pytest.fixture
def registry(db):
    """The statistics tests' hand-made registry (tests/stats/cases.py), whose counts are written out by hand."""
    return register_hand_made_cases()


@pytest.fixture
def synthetic_csv(db, tmp_path):
    """The calibrated synthetic registry of 2010-2012, loaded, and the CSV files it was made from."""
    from django.core.management import call_command

    out = tmp_path / "synthetic"
    call_command("synth", "--years", "2010-2012", "--out", str(out), "--load", stdout=io.StringIO())
    return out


@pytest.fixture(params=["grid", "peru"])
def boundary_file(request, tmp_path):
    """A GeoJSON of the 25 departments as an administrator supplies it: the grid the tests build, and the
    INEI limits Amparo ships (tests/reports/boundaries.py)."""
    if request.param == "grid":
        return write_grid(tmp_path / "departments.geojson")
    return PERU


@pytest.fixture
def routes(db):
    """Cases registered for their routes (tests/stats/routes.py), counted by hand there."""
    return register_route_cases()
