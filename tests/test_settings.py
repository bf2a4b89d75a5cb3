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


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1:8000", "*", "10.0.0.0/8", ""])
def test_the_proxy_address_must_be_one_ip_address(monkeypatch, value):
    monkeypatch.setenv("AMPARO_PROXY_ADDRESS", value)
    with pytest.raises(ImproperlyConfigured, match="AMPARO_PROXY_ADDRESS"):
        settings.env_address("AMPARO_PROXY_ADDRESS", "127.0.0.1")


def test_the_proxy_address_is_written_as_waitress_compares_it(monkeypatch):
    monkeypatch.setenv("AMPARO_PROXY_ADDRESS", "0:0:0:0:0:0:0:1")
    assert settings.env_address("AMPARO_PROXY_ADDRESS", "127.0.0.1") == "::1"  # as the socket reports it


def test_postgresql_connections_are_kept_between_requests_and_checked_before_reuse(monkeypatch):
    parsed = settings._database("postgresql://amparo@db.example/registry")
    assert (parsed["CONN_MAX_AGE"], parsed["CONN_HEALTH_CHECKS"]) == (60, True)
    monkeypatch.setenv("AMPARO_DATABASE_CONN_MAX_AGE", "0")
    assert settings._database("postgresql://amparo@db.example/registry")["CONN_MAX_AGE"] == 0
    monkeypatch.setenv("AMPARO_DATABASE_CONN_MAX_AGE", "forever")
    with pytest.raises(ImproperlyConfigured, match="AMPARO_DATABASE_CONN_MAX_AGE"):
        settings._database("postgresql://amparo@db.example/registry")
    assert "CONN_MAX_AGE" not in settings._database(None)  # SQLite opens its file per request, cheaply
