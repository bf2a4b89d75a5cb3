"""Hostile files, made here rather than kept as binaries: spreadsheets that reach far, ZIP bombs, text that
trips parsers, and hypothesis strategies that make many more of each kind (CSV, JSON, XLSX)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime

import xlsxwriter
from hypothesis import strategies as st

from amparo.exchange.domain.columns import COLUMN_NAMES

HEADER = ["source_record_id", "registration_date"]
SHEET = "xl/worksheets/sheet1.xml"


CREATED = datetime(2024, 1, 1, tzinfo=UTC)


def workbook(rows: list[list], far: tuple[int, int, str] | None = None) -> bytes:
    """An XLSX of the rows from A1, and one more cell at (row, column) 0-based, when given."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    # A fixed creation time: with the clock's, the file's size varies from one second to the next, and
    # hypothesis, drawing cuts within that size, sees the same example drawn differently.
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    if far:
        sheet.write(*far)
    book.close()
    return buffer.getvalue()


def far_cell_xlsx(row: int = 1048575, column: int = 16383) -> bytes:
    """The 5 KB file that made the spreadsheet reader ask for 512 GiB: a case, then one cell at XFD1048576."""
    return workbook([HEADER, ["A-1", "2024-01-01"]], (row, column, "x"))


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change` (bytes -> bytes)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            out.writestr(info, change(content) if info.filename == SHEET else content)  # its date, not now
    return target.getvalue()


def declared_dimension_xlsx(reference: str = "A1:XFD1048576") -> bytes:
    """Two rows of cells, but a sheet that says it spans `reference`."""
    return with_sheet_xml(
        workbook([HEADER, ["A-1", "2024-01-01"]]),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{reference}"/>'.encode(), xml),
    )


def zip_bomb_xlsx(rows: int, columns: int = 50, text: str = "x" * 200) -> bytes:
    """A sheet of `rows` rows of `columns` cells holding the same text: kilobytes zipped per megabyte
    unzipped. Written as a stream, so that a large bomb costs no memory to make."""
    buffer = io.BytesIO()
    template = workbook([HEADER])
    source = zipfile.ZipFile(io.BytesIO(template))
    letters = [_letters(number) for number in range(1, columns + 1)]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, source.read(info.filename))
                continue
            xml = source.read(SHEET)
            head, tail = xml.split(b"<sheetData>")[0], xml.split(b"</sheetData>")[1]
            with out.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                for row in range(1, rows + 1):
                    cells = "".join(
                        f'<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>' for letter in letters
                    )
                    sheet.write(f'<row r="{row}">{cells}</row>'.encode())
                sheet.write(b"</sheetData>" + tail)
    return buffer.getvalue()


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def perpetrators_csv(count: int) -> bytes:
    """One case whose recruiter column lists `count` perpetrators."""
    relationships = ";".join(["parent"] * count)
    return f"source_record_id,registration_date,recruiter_relationship\nA-1,2024-01-01,{relationships}\n".encode()


def nested_json(depth: int) -> bytes:
    return (
        b'[{"source_record_id": "A-1", "registration_date": "2024-01-01", "notes": '
        + b"[" * depth
        + b"]" * depth
        + b"}]"
    )


# Each was an uncaught exception (a traceback on the command line, half a page on the web) or a refusal of a
# readable file. The file's expected outcome: read (with so many cases) or refused (with words of the message).
TRICKY = {
    "bare CR in the header": (b"source_record_id,registration_date\rx\nA-1,2024-01-01\n", "read"),
    "CR line endings": (b"source_record_id,registration_date\rA-1,2024-01-01\rA-2,2024-01-02\r", "read"),
    "cell over 128 KiB": (
        b"source_record_id,registration_date,prs_FirstName\n\nA-1,2024-01-01," + b"x" * 140_000 + b"\n",
        "holds 140000 characters",
    ),
    "header over 128 KiB": (
        b"source_record_id,registration_date," + b"h" * 140_000 + b"\nA-1,2024-01-01,x\n",
        "holds 140000 characters",
    ),
    "a column named __row": (b"source_record_id,registration_date,__row\nA-1,2024-01-01,7\n", "__row is reserved"),
    "JSON nested 1,000 deep": (nested_json(1000), "levels deep"),
    "JSON integer of 5,000 digits": (
        b'[{"source_record_id": "A-1", "registration_date": "2024-01-01", "age": ' + b"9" * 5000 + b"}]",
        "read",
    ),
    "UTF-16 (Excel's Unicode text)": (
        "source_record_id\tregistration_date\r\nA-1\t2024-01-01\r\n".encode("utf-16"),
        "read",
    ),
    "UTF-32": ("source_record_id,registration_date\nA-1,2024-01-01\n".encode("utf-32"), "read"),
}


# --- hypothesis strategies -----------------------------------------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from([*COLUMN_NAMES, "__row", "__fingerprint", "", " ", "id", "edad", "Age"]), st.text(max_size=12)
)
_AWKWARD = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        ",",
        ";",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "\x00",
        "\ufeff",
        "\\",
        "\\;",
        ";;;",
        "2024-01-01",
        "31/02/2024",
        "0001-01-01",
        "F",
        "parent;uncle_aunt",
        "150101",
        "9" * 5000,
        "x" * 70_000,
    ]
)
_CELLS = st.one_of(st.text(max_size=20), _AWKWARD)


@st.composite
def csv_files(draw) -> bytes:
    """Text tables with any header, cells holding delimiters, quotes, line breaks and NULs, any line ending
    and encoding; sometimes cut short or with bytes flipped."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.lists(_NAMES, min_size=1, max_size=8) | st.lists(_NAMES, max_size=6).map(HEADER.__add__))
    rows = draw(st.lists(st.lists(_CELLS, max_size=10), max_size=8))
    quote = draw(st.booleans())

    def line(cells):
        return delimiter.join('"' + c.replace('"', '""') + '"' if quote else c for c in cells)

    text = ending.join(line(cells) for cells in [header, *rows]) + draw(st.sampled_from(["", ending]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "utf-32"]))
    return _damaged(draw, text.encode(encoding, errors="replace"))


_JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _CELLS),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_NAMES, inner, max_size=4)),
    max_leaves=20,
)


@st.composite
def json_files(draw) -> bytes:
    """Lists of cases (or {"cases": ...}) with any keys and values, nested perpetrators and events, lists deep
    or long, numbers of any size; sometimes cut short."""
    values = st.one_of(
        _JSON_VALUES,
        st.lists(
            st.dictionaries(
                st.sampled_from(["hte_Type", "relationship", "hte_Country", "prs_Gender", "x"]),
                _JSON_VALUES,
                max_size=3,
            ),
            max_size=5,
        ),
    )
    case = st.dictionaries(_NAMES, values, max_size=8) | st.fixed_dictionaries(
        {"source_record_id": _CELLS, "registration_date": _CELLS},
        optional={"perpetrators": values, "events": values, "age": _JSON_VALUES, "prs_Gender": _CELLS},
    )
    cases = draw(st.lists(st.one_of(case, _JSON_VALUES), max_size=6))
    payload = draw(st.sampled_from([cases, {"cases": cases}, {"records": cases}, cases[:1]]))
    text = json.dumps(payload, ensure_ascii=draw(st.booleans()))
    depth = draw(st.sampled_from([0, 0, 0, 20, 40, 1200]))
    text = text.replace("[", "[" * (depth + 1), 1) + "]" * depth if depth and text.startswith("[") else text
    if draw(st.booleans()):
        text = re.sub(r"\b\d+\b", lambda m: "7" * draw(st.sampled_from([1, 5000])), text, count=1)
    return _damaged(draw, text.encode("utf-8"))


@st.composite
def xlsx_files(draw) -> bytes:
    """Workbooks with any cells, some far away, and sheets rewritten to declare another size, drop cell
    references, or end early."""
    cells = st.one_of(st.text(max_size=15), st.integers(-(10**6), 10**6), _AWKWARD.filter(lambda c: len(c) < 1000))
    rows = draw(st.lists(st.lists(cells, max_size=6), max_size=6))
    if draw(st.booleans()):
        rows = [HEADER, *rows]
    far = draw(st.one_of(st.none(), st.tuples(st.integers(0, 1048575), st.integers(0, 16383), st.just("x"))))
    data = workbook([[str(c).replace("\x00", "") if isinstance(c, str) else c for c in row] for row in rows], far)
    change = draw(st.sampled_from(["none", "dimension", "no references", "cut"]))
    if change == "dimension":
        reference = draw(st.sampled_from(["A1:XFD1048576", "A1:B2", "1:49", "A1", "ZZZZ9", "garbage"]))
        data = with_sheet_xml(
            data, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{reference}"/>'.encode(), xml)
        )
    elif change == "no references":
        data = with_sheet_xml(data, lambda xml: re.sub(rb' r="[A-Z]+[0-9]+"', b"", xml))
    elif change == "cut":
        data = with_sheet_xml(data, lambda xml: xml[: draw(st.integers(0, len(xml)))])
    return _damaged(draw, data)


def _damaged(draw, data: bytes) -> bytes:
    """Mostly as made; sometimes cut short or with a few bytes changed."""
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "flip"]))
    if damage == "cut" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if damage == "flip" and data:
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            changed[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(changed)
    return data
