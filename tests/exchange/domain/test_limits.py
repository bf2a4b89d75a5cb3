"""The limits an import holds a file to, checked before the file is parsed: each refusal names the limit and
what the file holds, and a file within them is read as before."""

import io
import json
import re
import zipfile
from dataclasses import replace

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from amparo.exchange.domain.limits import Limits, ReadError, check_json, check_xlsx
from amparo.exchange.domain.readers import ROW, read_table
from tests.exchange import hostile

LIMITS = Limits(
    file_bytes=10 * 2**20,
    uncompressed_bytes=50 * 2**20,
    cells=1_000_000,
    columns=1000,
    cell_characters=32767,
    nesting=32,
    perpetrators=100,
    events=100,
)


def _refused(data: bytes, limits: Limits = LIMITS, check=check_xlsx) -> str:
    with pytest.raises(ReadError) as refusal:
        check(data, limits)
    return str(refusal.value)


def test_the_cell_at_xfd1048576_is_refused_before_the_spreadsheet_reader_sees_it():
    data = hostile.far_cell_xlsx()
    assert len(data) < 10_000
    message = _refused(with_dimension(data, "A1:B2"))  # its own dimension element is not what gives it away
    assert "reaches column 16384 (cell XFD1048576)" in message and "at most 1000 columns" in message


def test_a_far_cell_within_the_columns_is_refused_for_the_cells_it_spans():
    message = _refused(with_dimension(hostile.far_cell_xlsx(30000, 59), "A1:B2"))
    assert "reaches cell BH30001: 30001 rows by 60 columns, 1800060 cells" in message
    assert "at most 1000000 cells" in message
    check_xlsx(hostile.far_cell_xlsx(30000, 59), replace(LIMITS, cells=1_800_060))


def test_a_sheet_that_declares_a_size_past_the_limits_is_refused():
    message = _refused(hostile.declared_dimension_xlsx("A1:XFD1048576"))
    assert "declares its size as A1:XFD1048576, 16384 columns" in message
    assert "declares its size as A1:Z1000000" in _refused(hostile.declared_dimension_xlsx("A1:Z1000000"))


@pytest.mark.parametrize("reference", ["1:49", "A1", "garbage", ""])
def test_a_dimension_without_columns_or_that_is_not_one_is_no_reason_to_refuse(reference):
    check_xlsx(hostile.declared_dimension_xlsx(reference), LIMITS)  # LibreOffice writes `1:49`


def test_a_zip_bomb_is_refused_on_what_it_unzips_to_before_its_cells_are_read():
    data = hostile.zip_bomb_xlsx(rows=2000)
    assert len(data) < 2**20
    message = _refused(data, replace(LIMITS, uncompressed_bytes=10 * 2**20))
    assert re.search(r"unzips to at least \d\d\.\d MB; an import reads at most 10\.0 MB unzipped", message)
    message = _refused(data, replace(LIMITS, cells=99_999))
    assert "reaches cell AX2000: 2000 rows by 50 columns, 100000 cells; an import reads at most 99999" in message


def test_a_zip_that_understates_what_a_part_unzips_to_cannot_be_read():
    data = hostile.workbook([[f"r{row}c{column}" for column in range(20)] for row in range(2000)])
    with pytest.raises(ReadError, match="cannot be read"):
        check_xlsx(_understated(data, hostile.SHEET), LIMITS)


def _understated(data: bytes, name: str) -> bytes:
    """The ZIP with the part's uncompressed size written as 100 bytes, in its local header and in its entry of
    the central directory."""
    patched = bytearray(data)
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    patched[local + 22 : local + 26] = (100).to_bytes(4, "little")
    for found in re.finditer(rb"PK\x01\x02", data):
        at = found.start()
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name.encode():
            patched[at + 24 : at + 28] = (100).to_bytes(4, "little")
    return bytes(patched)


def test_cells_without_references_are_placed_as_the_spreadsheet_reader_places_them():
    row = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(1500))
    data = hostile.with_sheet_xml(
        hostile.workbook([hostile.HEADER]),
        lambda xml: xml.replace(b"</sheetData>", f"<row>{row}</row></sheetData>".encode()),
    )
    assert "reaches column 1500 (cell BER2)" in _refused(data)


def test_prefixed_and_lower_case_names_are_read_as_the_spreadsheet_reader_reads_them():
    far = (
        '<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="9">'
        '<x:c r="xfd9" t="inlineStr"><x:is><x:t>y</x:t></x:is></x:c></x:row>'
    )
    data = hostile.with_sheet_xml(
        hostile.workbook([hostile.HEADER]), lambda xml: xml.replace(b"</sheetData>", far.encode() + b"</sheetData>")
    )
    assert "(cell XFD9)" in _refused(data)


def test_a_reference_of_thousands_of_digits_is_a_row_past_the_limit():
    far = '<row r="3"><c r="A' + "9" * 5000 + '" t="inlineStr"><is><t>x</t></is></c></row>'
    data = hostile.with_sheet_xml(
        hostile.workbook([hostile.HEADER]), lambda xml: xml.replace(b"</sheetData>", far.encode() + b"</sheetData>")
    )
    assert "reaches cell B1000000000000000000: 1000000000000000000 rows by 2 columns" in _refused(data)


def with_dimension(data: bytes, reference: str) -> bytes:
    return hostile.with_sheet_xml(
        data, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{reference}"/>'.encode(), xml)
    )


@st.composite
def _sheets(draw):
    """Cells anywhere in a 300 by 60 area, sometimes written without references."""
    cells = draw(st.lists(st.tuples(st.integers(0, 299), st.integers(0, 59)), min_size=1, max_size=12, unique=True))
    data = hostile.workbook([])
    by_row: dict[int, list[int]] = {}
    for row, column in sorted(cells):
        by_row.setdefault(row, []).append(column)
    referenced = draw(st.booleans())
    xml = "".join(
        (f'<row r="{row + 1}">' if referenced or draw(st.booleans()) else "<row>")
        + "".join(
            f'<c r="{_letters(column + 1)}{row + 1}" t="inlineStr"><is><t>v</t></is></c>'
            if referenced
            else '<c t="inlineStr"><is><t>v</t></is></c>'
            for column in columns
        )
        + "</row>"
        for row, columns in by_row.items()
    )
    return hostile.with_sheet_xml(
        data,
        lambda sheet: re.sub(
            rb"<sheetData\s*/>|<sheetData>.*</sheetData>",
            f"<sheetData>{xml}</sheetData>".encode(),
            sheet,
            flags=re.DOTALL,
        ).replace(b'<dimension ref="A1"/>', b""),
    )


def _letters(number: int) -> str:
    return hostile._letters(number)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheets())
def test_a_sheet_is_measured_as_the_spreadsheet_reader_lays_it_out(data):
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows, columns = sheet.end[0] + 1, sheet.end[1] + 1  # the reader's own layout, from A1
    check_xlsx(data, replace(LIMITS, cells=rows * columns, columns=columns))
    with pytest.raises(ReadError, match="reaches cell"):
        check_xlsx(data, replace(LIMITS, cells=rows * columns - 1, columns=columns))
    if columns > 1:
        with pytest.raises(ReadError, match="reaches column"):
            check_xlsx(data, replace(LIMITS, columns=columns - 1))


def test_a_sheet_read_a_megabyte_at_a_time_keeps_its_place_across_the_pieces():
    """Rows with references for megabytes, then rows and cells without: placed after the last one."""
    rows = [[f"row {row} cell {column} " * 3 for column in range(8)] for row in range(6000)]
    tail = (
        "<row>"
        + '<c t="inlineStr"><is><t>v</t></is></c>' * 9
        + '</row><row><c t="inlineStr"><is><t>w</t></is></c></row>'
    )
    data = hostile.with_sheet_xml(
        hostile.workbook(rows), lambda xml: xml.replace(b"</sheetData>", tail.encode() + b"</sheetData>")
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows, columns = sheet.end[0] + 1, sheet.end[1] + 1
    assert (rows, columns) == (6002, 9)
    check_xlsx(data, replace(LIMITS, cells=rows * columns, columns=columns))
    with pytest.raises(ReadError, match="reaches cell I6002"):
        check_xlsx(data, replace(LIMITS, cells=rows * columns - 1))


def test_json_nested_deeper_than_the_limit_is_refused_before_it_is_parsed():
    check_json(hostile.nested_json(30).decode(), LIMITS)  # the case's list and object, then 30 more
    with pytest.raises(ReadError, match="more than 32 levels deep"):
        check_json(hostile.nested_json(31).decode(), LIMITS)
    with pytest.raises(ReadError, match="more than 32 levels deep"):
        check_json("[" * 100_000, LIMITS)  # never closed: no parser recursion either


def test_brackets_and_colons_inside_strings_are_not_structure():
    text = json.dumps([{"a": "[[[[[[[[{{{{" * 10, "b": '":' * 50}])
    check_json(text, replace(LIMITS, nesting=2, cells=2))
    with pytest.raises(ReadError, match="holds 2 keys, one cell each; an import reads at most 1 cells"):
        check_json(text, replace(LIMITS, cells=1))


def test_a_csv_wider_or_larger_than_the_limits_is_refused():
    with pytest.raises(ReadError, match="has 3 columns; an import reads at most 2"):
        read_table(b"a,b,c\n1,2,3\n", limits=replace(LIMITS, columns=2))
    with pytest.raises(ReadError, match=r"has 9 cells \(3 rows by 3 columns\); an import reads at most 8"):
        read_table(b"a,b,c\n1,2,3\n4,5,6\n", limits=replace(LIMITS, cells=8))
    assert read_table(b"a,b,c\n1,2,3\n4,5,6\n", limits=replace(LIMITS, cells=9)).frame.height == 2


@pytest.mark.parametrize("kind", ["csv", "csv with a blank line", "json", "xlsx"])
def test_a_cell_longer_than_the_limit_is_refused_naming_its_row_and_column(kind):
    long = "x" * 41
    data = {
        "csv": f"a,b\n1,2\n3,{long}\n".encode(),
        "csv with a blank line": f"a,b\n1,2\n\n3,{long}\n".encode(),
        "json": json.dumps([{"a": 1, "b": 2}, {"a": 3, "b": long}]).encode(),
        "xlsx": hostile.workbook([["a", "b"], [1, 2], [3, long]]),
    }[kind]
    row = 4 if kind == "csv with a blank line" else 3
    with pytest.raises(
        ReadError, match=f"Row {row}, column b: the cell holds 41 characters; an import reads cells of at most 40"
    ):
        read_table(data, limits=replace(LIMITS, cell_characters=40))
    table = read_table(data, limits=replace(LIMITS, cell_characters=41))
    assert table.frame.filter(pl.col(ROW) == row)["b"].to_list() == [long]


def test_a_column_name_longer_than_the_limit_is_refused():
    with pytest.raises(ReadError, match="Row 1, column x+: the cell holds 41 characters"):
        read_table(b"a," + b"x" * 41 + b"\n1,2\n", limits=replace(LIMITS, cell_characters=40))


def test_a_file_larger_than_the_limit_is_refused_by_its_size():
    with pytest.raises(ReadError, match=r"The file is 1\.0 MB; an import reads files of at most 0\.5 MB"):
        read_table(b"a\n" + b"1\n" * (2**19), limits=replace(LIMITS, file_bytes=2**19))
