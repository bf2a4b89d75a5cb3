import pytest
from django.core.exceptions import ImproperlyConfigured

from amparo import settings


@pytest.mark.parametrize("value", ["yes", "true", "1", ""])
def test_booleans_must_be_spelt_true_or_false(monkeypatch, value):
    monkeypatch.setenv("AMPARO_DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match="AMPARO_DEBUG"):
        settings.env_bool("AMPARO_DEBUG", False)


@pytest.mark.parametrize("value", ["1", "-3", "five", "4.5"])
def test_the_suppression_threshold_must_be_a_whole_number_of_at_least_two(monkeypatch, value):
    monkeypatch.setenv("AMPARO_SUPPRESSION_THRESHOLD", value)
    with pytest.raises(ImproperlyConfigured, match="AMPARO_SUPPRESSION_THRESHOLD"):
        settings.env_int("AMPARO_SUPPRESSION_THRESHOLD", 5, minimum=2)


def test_a_server_database_must_be_postgresql():
    with pytest.raises(ImproperlyConfigured, match="postgresql://"):
        settings._database("mysql://somewhere/amparo")
    parsed = settings._database("postgresql://amparo:s%40cret@db.example:5433/registry")
    assert (parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"], parsed["NAME"]) == (
        "amparo",
        "s@cret",
        "db.example",
        5433,
        "registry",
    )
