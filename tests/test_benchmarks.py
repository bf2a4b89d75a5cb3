"""The benchmarks (`benchmarks/*_bench.py`) keep working: they are not run by anything else day to day."""

import itertools

import pytest

from amparo.exchange import storage
from amparo.exchange.services import file_import
from amparo.registry.models import Organisation
from benchmarks import import_bench


@pytest.mark.django_db
def test_the_import_benchmark_splits_an_import_stored_in_parts(tmp_path, monkeypatch):
    """A large import reports each part it stores, so the benchmark cannot count on three reports."""
    path = tmp_path / "cases.csv"
    import_bench.write_case_file(path, 35)
    monkeypatch.setattr(storage, "CHUNK", 10)
    source = Organisation.objects.create(name="Benchmark", org_type="NGO", is_synthetic=True)
    clock, reported_at = itertools.count(), []
    file_import(data=path.read_bytes(), file_name=path.name, source=source,
                progress=lambda message: reported_at.append(next(clock)))
    assert len(reported_at) == 2 + 4 + 1  # read, checked, four parts of at most 10 rows, the end

    assert import_bench.stage_seconds(reported_at) == (0, 1 - 0, 6 - 1)
