import pytest

from benchmarks.release_data import synthetic_case_table


@pytest.fixture(scope="session")
def case_table():
    """2,000 synthetic cases of 2011-2025 from the calibrated generator, as a release case table."""
    return synthetic_case_table(2000, seed=7)
