"""The linkage engine's DuckDB cannot put anything on disk."""

import duckdb
import pytest

from amparo.linkage.domain.engine import duckdb_connection


def test_it_may_not_spill_to_a_temporary_directory():
    connection = duckdb_connection()
    assert connection.sql("SELECT current_setting('temp_directory')").fetchall() == [("",)]
    with pytest.raises(duckdb.Error):
        connection.execute("SET temp_directory = '/tmp/spill'")


def test_it_may_not_write_or_read_files(tmp_path):
    connection = duckdb_connection()
    with pytest.raises(duckdb.Error):
        connection.execute(f"COPY (SELECT 'a name' AS name) TO '{tmp_path / 'out.csv'}'")
    with pytest.raises(duckdb.Error):
        connection.execute("ATTACH '" + str(tmp_path / "copy.duckdb") + "'")
    assert not list(tmp_path.iterdir())


def test_a_run_that_does_not_fit_in_memory_fails_instead_of_spilling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    connection = duckdb_connection(memory_limit="20MB")
    with pytest.raises(duckdb.OutOfMemoryException):
        connection.execute("SELECT count(*) FROM (SELECT md5(i::VARCHAR) AS m FROM range(3000000) t(i) ORDER BY m)")
    assert not list(tmp_path.iterdir())
