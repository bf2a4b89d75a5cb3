"""A file is parsed in a process of its own: the same table comes back, and a parser that aborts, runs out of
memory or of time refuses that import while the caller goes on."""

import json
import time

import pytest
from django.utils import translation

from amparo.exchange.domain.readers import ReadError, read_table
from amparo.exchange.reading import import_limits, table_read
from tests.exchange import hostile, samples

FILES = {
    "csv": samples.AMPARO_CSV.encode() + b"\nA-9,2024-01-01,F,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,x,y\n",
    "xlsx": hostile.workbook([["id", "edad", "sexo"], ["1", 15, "F"], [2, "", "M"], [], [3, 40.5, "F", "", "extra"]]),
    "json": json.dumps(
        [
            {"source_record_id": "N-1", "perpetrators": [{"relationship": "parent"}]},
            {"source_record_id": "N-2", "age": 12},
        ]
    ).encode(),
}


@pytest.mark.parametrize("kind", list(FILES))
def test_a_file_read_in_its_own_process_is_the_table_read_here(kind):
    here, there = read_table(FILES[kind], limits=import_limits()), table_read(FILES[kind], file_name=f"f.{kind}")
    assert (there.header, there.kind, there.ragged_rows) == (here.header, here.kind, here.ragged_rows)
    assert there.frame.equals(here.frame) and there.frame.height > 0


def test_a_parser_that_aborts_refuses_the_file_and_the_caller_goes_on(settings):
    settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELLS = 20_000, 10**12  # let the spreadsheet reader try
    settings.IMPORT_READER_MEMORY_MB = 1024
    with pytest.raises(
        ReadError,
        match="Reading the file far.xlsx needed more than the 1024 MB of memory an import may use to read a file",
    ):
        table_read(hostile.far_cell_xlsx(), file_name="far.xlsx")
    assert len(table_read(FILES["csv"], file_name="next.csv").ragged_rows) == 1


def test_a_reader_out_of_time_is_stopped(settings):
    settings.IMPORT_READER_SECONDS = 0.1
    slow = b"a,b\n\n" + b"1,2\n" * 400_000  # the blank line sends it row by row through the csv module
    start = time.monotonic()
    with pytest.raises(ReadError, match=r"Reading the file slow.csv took more than the 0\.1 seconds"):
        table_read(slow, file_name="slow.csv")
    assert time.monotonic() - start < 5


def test_a_file_over_the_size_limit_is_refused_before_a_reader_starts(settings):
    settings.IMPORT_MAX_FILE_MB = 1
    with pytest.raises(ReadError, match=r"The file is 2\.0 MB; an import reads files of at most 1\.0 MB"):
        table_read(b"a\n" + b"1\n" * 2**20, file_name="big.csv")


def test_a_refusal_comes_back_in_the_language_of_whoever_asked():
    with translation.override("es"):
        with pytest.raises(ReadError) as refusal:
            table_read(b"\x00\x01binary", file_name="x.bin")
        assert str(refusal.value) == "El archivo no es CSV, XLSX ni JSON (parece un archivo binario)."
    assert "neither CSV, XLSX nor JSON" in str(refusal.value)


def test_every_limit_is_documented_with_its_default():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    defaults = re.findall(r'env_int\("(AMPARO_IMPORT_\w+)", ([\d_]+)', (root / "src/amparo/settings.py").read_text())
    documented = (root / "docs/import-format.md").read_text(encoding="utf-8")
    assert len(defaults) == 10
    for name, default in defaults:
        assert f"| `{name}` | {int(default):,} |" in documented
