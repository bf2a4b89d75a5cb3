"""Text files that made the readers raise (a traceback for the user) or refuse what they could read."""

import pytest

from amparo.exchange.domain.readers import ROW, ReadError, read_table
from tests.exchange import hostile
from tests.exchange.domain.test_limits import LIMITS


@pytest.mark.parametrize("name", list(hostile.TRICKY))
@pytest.mark.parametrize("limits", [None, LIMITS], ids=["unlimited", "limits"])
def test_each_tricky_file_is_read_or_refused_with_a_reason(name, limits):
    data, outcome = hostile.TRICKY[name]
    if outcome == "read":
        assert read_table(data, limits=limits).frame.height >= 1
    elif limits is None and "characters" in outcome:
        assert read_table(data).frame.height == 1  # no limit on a cell: read whole
    else:
        with pytest.raises(ReadError, match=outcome):
            read_table(data, limits=limits)


def test_lines_may_end_with_a_lone_carriage_return():
    table = read_table(b"source_record_id,age\rA-1,15\rA-2,16\r\rA-3,17")
    assert table.header == ["source_record_id", "age"]
    assert table.frame.select(ROW, "source_record_id", "age").rows() == [
        (2, "A-1", "15"),
        (3, "A-2", "16"),
        (5, "A-3", "17"),
    ]


def test_a_lone_carriage_return_in_the_header_ends_it():
    table = read_table(b"source_record_id,age\rextra\nA-1,15\n")
    assert table.header == ["source_record_id", "age"]
    assert table.frame["source_record_id"].to_list() == ["extra", "A-1"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_text_as_excel_saves_it_is_read(encoding):
    text = "source_record_id\tprs_FirstName\r\nA-1\tÑusta Ayllón\r\n"
    table = read_table(text.encode(encoding))
    assert table.header == ["source_record_id", "prs_FirstName"]
    assert table.frame["prs_FirstName"].to_list() == ["Ñusta Ayllón"]


def test_a_cell_longer_than_the_csv_modules_own_limit_is_read_whole():
    cell = "x" * 200_000
    table = read_table(f"a,b\n1,{cell}\n\n2,3\n".encode())
    assert table.frame["b"].to_list() == [cell, "3"]


def test_a_nul_after_the_first_kilobytes_is_kept_as_a_character():
    table = read_table(b"a,b\n" + b"1,2\n" * 2000 + b"\n3,\x00\n")
    assert table.frame.filter(table.frame[ROW] == 2003)["b"].to_list() == ["\x00"]


def test_a_json_integer_is_kept_as_written_whatever_its_length():
    table = read_table(hostile.TRICKY["JSON integer of 5,000 digits"][0])
    assert table.frame["age"].to_list() == ["9" * 5000]


def test_json_nested_past_the_parser_is_refused_without_limits_too():
    with pytest.raises(ReadError, match="levels deep"):
        read_table(hostile.nested_json(5000))


def test_a_column_named_like_the_row_numbers_is_refused_in_json_too():
    with pytest.raises(ReadError, match="__row is reserved"):
        read_table(b'[{"source_record_id": "A-1", "__row": 3}]')


@pytest.mark.parametrize("value, age", [("²", None), ("9" * 5000, None), ("0015", 15), ("15.0", 15), ("121", None)])
def test_an_age_that_int_cannot_read_is_not_an_age(value, age):
    from amparo.exchange.domain.normalise import parse_age

    assert parse_age(value) == age
