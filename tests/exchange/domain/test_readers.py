import io

import pytest
import xlsxwriter

from amparo.exchange.domain.readers import ROW, ReadError, read_table

ROWS = [["id", "sexo", "departamento"], ["1", "Mujer", "Cusco"], ["2", "Hombre", "Áncash"]]


def _csv(delimiter: str) -> str:
    return "\n".join(delimiter.join(row) for row in ROWS) + "\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_reads_each_delimiter(delimiter):
    table = read_table(_csv(delimiter).encode("utf-8"))
    assert table.header == ROWS[0]
    assert table.frame["departamento"].to_list() == ["Cusco", "Áncash"]
    assert table.frame[ROW].to_list() == [2, 3]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_it_reads_each_encoding(encoding):
    table = read_table(_csv(";").encode(encoding))
    assert table.header[0] == "id"
    assert table.frame["departamento"].to_list()[1] == "Áncash"


def test_it_reads_the_first_sheet_of_a_workbook_or_the_one_asked_for():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    first, second = workbook.add_worksheet("casos"), workbook.add_worksheet("otros")
    for i, row in enumerate(ROWS):
        first.write_row(i, 0, row)
    first.write_number(1, 0, 10101)  # a ubigeo or id typed as a number
    second.write_row(0, 0, ["other"])
    workbook.close()
    table = read_table(buffer.getvalue())
    assert table.kind == "xlsx"
    assert table.frame["id"].to_list() == ["10101", "2"]
    assert read_table(buffer.getvalue(), sheet="otros").header == ["other"]
    with pytest.raises(ReadError, match="casos"):
        read_table(buffer.getvalue(), sheet="missing")


def test_it_reads_json_lists_and_joins_multiple_values():
    table = read_table(b'[{"id": "1", "vic_TypeOfExploitation": ["SexualExploitation", "ForcedLabour"]}]')
    assert table.frame["vic_TypeOfExploitation"].to_list() == ["SexualExploitation;ForcedLabour"]


def test_it_keeps_spreadsheet_row_numbers_across_blank_lines_and_sets_apart_long_rows():
    table = read_table(b"a,b\n1,2\n\n3,4\n5,6,7\n")
    assert table.frame[ROW].to_list() == [2, 4]
    assert table.ragged_rows == [(5, ["5", "6", "7"])]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02binary", "neither CSV, XLSX nor JSON"),
        (b"[1, 2", "not valid"),
        (b'{"x": 1}', "list of objects"),
    ],
)
def test_it_refuses_what_is_not_a_table(data, message):
    with pytest.raises(ReadError, match=message):
        read_table(data)


def test_it_refuses_a_duplicated_column():
    with pytest.raises(ReadError, match="sexo"):
        read_table(b"sexo,sexo\nF,M\n")
