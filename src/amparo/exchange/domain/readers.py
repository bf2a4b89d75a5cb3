"""Read the tables people send: CSV (`,` `;` or tab; UTF-8, UTF-8 with BOM or Latin-1), XLSX and JSON.

Every cell comes back as text exactly as written (no type guessing), so the
normalisers decide what it means and the original row can be kept as it was.
Given limits (domain.limits), a file past them is refused before it is parsed
where that can be known, else as soon as the part that passes them is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import codelists
from amparo.exchange.domain import aligned
from amparo.exchange.domain.columns import EVENT_ORDER, EVENTS
from amparo.exchange.domain.limits import (
    Limits,
    ReadError,
    check_cell_length,
    check_file_size,
    check_json,
    check_table_size,
    check_xlsx,
    nesting_error,
)
from amparo.exchange.domain.normalise import normalise_code

ROW = "__row"  # spreadsheet row number (header = 1) carried beside the cells
DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# Excel saves "Unicode text" as UTF-16 with a byte order mark; a UTF-32 mark starts like a UTF-16 one.
_WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class Table:
    header: list[str]
    frame: pl.DataFrame  # one String column per header cell, plus ROW
    kind: str  # csv, xlsx or json
    ragged_rows: list[tuple[int, list[str]]] = field(
        default_factory=list
    )  # (row number, cells): longer than the header

    def __post_init__(self):
        # In row order and in one piece: provenance finds a chunk's rows by binary search, and a gather
        # from a frame read in pieces copies the whole frame each time.
        self.frame = self.frame.sort(ROW).rechunk()


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32, by the byte order mark or, without one, by every other byte being zero."""
    for mark, encoding in _WIDE_MARKS:
        if head.startswith(mark):
            return encoding
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and not odd.strip(b"\x00") and b"\x00" not in even:
        return "utf-16-le"
    if len(head) >= 4 and not even.strip(b"\x00") and b"\x00" not in odd:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file."""
    wide = _wide_encoding(data[:4096])
    if wide:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError as error:
            raise ReadError(
                _("The file looks like %(encoding)s text but is not (byte %(position)s)."),
                {"encoding": wide.upper(), "position": error.start},
            ) from error
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError(_("The file is not text in UTF-8 or Latin-1."))


def sniff_delimiter(header_line: str) -> str | None:
    """The delimiter that splits the header line into the most cells, or None if none does."""
    counts = {d: len(_split_line(header_line, d)) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else None


def _split_line(line: str, delimiter: str) -> list[str]:
    """The cells of one line (no line break in it)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as error:
        raise ReadError(_("The header row cannot be read (%(error)s)."), {"error": error}) from error


def _unique_header(cells: list[str]) -> list[str]:
    header, seen = [], set()
    for i, cell in enumerate(cells, start=1):
        name = str(cell).strip() or f"column_{i}"
        if name in seen:
            raise ReadError(_("The column %(name)s appears more than once in the header."), {"name": name[:80]})
        seen.add(name)
        header.append(name)
    _refuse_reserved(header)
    return header


def _refuse_reserved(header: list[str]) -> None:
    if ROW in header:
        raise ReadError(
            _("The column name %(name)s is reserved for the row numbers Amparo keeps; rename the column."),
            {"name": ROW},
        )


def _frame_from_rows(header: list[str], rows: list[list[str]], first_row: int = 2) -> tuple[pl.DataFrame, list]:
    """Rows of text into a frame; rows with more non-empty cells than the header are set apart."""
    width = len(header)
    kept, numbers, ragged = [], [], []
    for offset, row in enumerate(rows):
        number = first_row + offset
        cells = list(row)
        while len(cells) > width and not str(cells[-1]).strip():
            cells.pop()
        if len(cells) > width:
            ragged.append((number, [str(c) for c in cells]))
            continue
        if not any(str(c).strip() for c in cells):
            continue  # a blank line holds no data
        kept.append(cells + [""] * (width - len(cells)))
        numbers.append(number)
    columns = {name: [r[i] for r in kept] for i, name in enumerate(header)}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    return frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64)), ragged


_FIRST_LINE = re.compile(r"[^\r\n]*")


def read_csv_text(text: str, utf8: bytes | None = None, limits: Limits | None = None) -> Table:
    """A CSV file's text; `utf8`, when given, is the same file as UTF-8 bytes (saves re-encoding a large file).
    A line ends with CR LF, LF or a lone CR (as old Mac spreadsheets save it)."""
    header_line = _FIRST_LINE.match(text).group()
    if not header_line.strip():
        raise ReadError(_("The file is empty: it has no header row."))
    # The csv module refuses a cell longer than its own limit (128 KiB); the file's size bounds a cell here,
    # and the import's limit on a cell is checked, naming row and column, once the cells are read.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    delimiter = sniff_delimiter(header_line) or ","
    header = _unique_header(_split_line(header_line, delimiter))
    if limits:
        check_table_size(1, len(header), limits)
    fast = _read_csv_columnar(text, utf8, header, delimiter)
    if fast is not None:
        if limits:
            check_table_size(fast.height + 1, len(header), limits)
        return Table(header, fast, "csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        next(reader)
        rows = list(reader)
    except csv.Error as error:
        raise ReadError(
            _("The CSV file cannot be read at line %(line)s (%(error)s)."), {"line": reader.line_num, "error": error}
        ) from error
    if limits:
        check_table_size(len(rows) + 1, len(header), limits)
    frame, ragged = _frame_from_rows(header, rows)
    return Table(header, frame, "csv", ragged)


def _read_csv_columnar(text: str, utf8: bytes | None, header: list[str], delimiter: str) -> pl.DataFrame | None:
    """Polars' reader for large, regular files; None when the file needs the careful row-by-row path
    (blank lines, lines ended by a lone CR, or rows longer than the header), so that row numbers stay those a
    spreadsheet shows."""
    if "\n\n" in text or "\n\r\n" in text or text.count("\r") != text.count("\r\n"):
        return None
    try:
        frame = pl.read_csv(
            utf8 if utf8 is not None else text.encode("utf-8"),
            separator=delimiter,
            has_header=True,
            new_columns=header,
            infer_schema=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.width != len(header):
        return None
    frame = frame.with_columns(pl.all().fill_null(""))
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64)).select([*header, ROW])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, sheet: str | None = None, limits: Limits | None = None) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    if limits and data.startswith(_ZIP_MAGIC):
        check_xlsx(data, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if sheet:
            if sheet not in workbook.sheet_names:
                raise ReadError(
                    _("The workbook has no sheet %(sheet)s; it has: %(sheets)s."),
                    {"sheet": sheet, "sheets": ", ".join(workbook.sheet_names)},
                )
            rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        else:
            rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except CalamineError as error:
        raise ReadError(_("The spreadsheet cannot be read (%(error)s)."), {"error": error}) from error
    if limits and rows:
        check_table_size(len(rows), len(rows[0]), limits)
    rows = [[_cell_text(v) for v in row] for row in rows]
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise ReadError(_("The file is empty: it has no header row."))
    header_cells = rows[0]
    while header_cells and not header_cells[-1].strip():
        header_cells = header_cells[:-1]
    header = _unique_header(header_cells)
    frame, ragged = _frame_from_rows(header, rows[1:])
    return Table(header, frame, "xlsx", ragged)


def read_json(text: str, limits: Limits | None = None) -> Table:
    """Numbers are kept as written (an integer of any length stays text, not a Python int)."""
    if limits:
        check_json(text, limits)
    try:
        payload = json.loads(text, parse_int=str)
    except json.JSONDecodeError as error:
        raise ReadError(
            _("The JSON file is not valid (line %(line)s: %(error)s)."), {"line": error.lineno, "error": error.msg}
        ) from error
    except RecursionError as error:  # deeper than the parser goes, when no limit was checked first
        raise nesting_error(sys.getrecursionlimit()) from error
    if isinstance(payload, dict):
        payload = payload.get("cases", payload.get("records"))
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise ReadError(_('The JSON file must hold a list of objects, one per case (or {"cases": [...]}).'))
    if not payload:
        raise ReadError(_("The file is empty: it has no records."))
    payload = [_with_nested_flattened(item, number) for number, item in enumerate(payload, start=1)]
    header = list(dict.fromkeys(key for item in payload for key in item))
    _refuse_reserved(header)
    if limits:
        check_table_size(len(payload) + 1, len(header), limits)

    def text_of(value):
        if isinstance(value, list):
            return ";".join(_cell_text(v) for v in value)
        return _cell_text(value)

    rows = [[text_of(item.get(key)) for key in header] for item in payload]
    frame, _ragged = _frame_from_rows(header, rows)
    return Table(header, frame, "json")


EVENTS_KEY = "events"
PERPETRATORS_KEY = "perpetrators"
EVENT_TYPE_KEY = "hte_Type"
_EVENT_PREFIXES = {event_type: prefix for prefix, event_type in EVENTS}


def _with_nested_flattened(item: dict, number: int) -> dict:
    """A case whose perpetrators or HTCDS trafficking events are nested, as the flat columns that hold one
    value per perpetrator or event (domain.aligned): a perpetrator's key k becomes the column
    `perpetrator_k`, an event's the column `<type>_k` (`exploitation_hte_Country`), and the events' types,
    in order, the column event_order. An event whose type is not understood keeps its place in event_order,
    so the case is quarantined naming it. A value the case also gives as a column refuses the file."""
    flat = {key: value for key, value in item.items() if key not in (EVENTS_KEY, PERPETRATORS_KEY)}
    nested: dict[str, str] = {}
    events = _objects(item, EVENTS_KEY, number)
    if events is not None:
        types = []
        for event in events:
            if not _cell_text(event.get(EVENT_TYPE_KEY)).strip():
                raise ReadError(
                    _("Case %(case)s: an event has no hte_Type (Recruitment, Transit or Exploitation)."),
                    {"case": number},
                )
            types.append(_cell_text(event[EVENT_TYPE_KEY]))
        nested[EVENT_ORDER] = aligned.join(types)
        groups: dict[str, list[dict]] = {}
        for event, raw_type in zip(events, types):
            prefix = _EVENT_PREFIXES.get(normalise_code(codelists.EVENT_TYPE, raw_type) or "")
            if prefix is not None:
                groups.setdefault(prefix, []).append(event)
        for prefix, group in groups.items():
            nested |= _columns(group, f"{prefix}_", skip=EVENT_TYPE_KEY)
    perpetrators = _objects(item, PERPETRATORS_KEY, number)
    if perpetrators is not None:
        nested |= _columns(perpetrators, "perpetrator_")
    twice = [key for key in nested if key in flat]
    if twice:
        raise ReadError(
            _("Case %(case)s: %(columns)s given both nested and as fields of the case."),
            {"case": number, "columns": ", ".join(twice)},
        )
    return flat | nested


def _objects(item: dict, key: str, number: int) -> list[dict] | None:
    value = item.get(key)
    if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
        raise ReadError(_('Case %(case)s: "%(key)s" must be a list of objects.'), {"case": number, "key": key})
    return value


def _columns(objects: list[dict], prefix: str, skip: str = "") -> dict[str, str]:
    """Each key of the objects as a column holding its value of every object, in order (a list value, such as a
    perpetrator's roles, joined by ',')."""
    keys = dict.fromkeys(key for obj in objects for key in obj if key != skip)

    def text(value) -> str:
        return ",".join(_cell_text(v) for v in value) if isinstance(value, list) else _cell_text(value)

    return {prefix + key: aligned.join(text(obj.get(key)) for obj in objects) for key in keys}


_LEADING = re.compile(r"[\ufeff\s]*")


def read_table(data: bytes, sheet: str | None = None, limits: Limits | None = None) -> Table:
    """Read an uploaded file, whatever its name says: the content decides. Without limits, a file is read
    whatever its size (for files Amparo wrote itself)."""
    if limits:
        check_file_size(len(data), limits)
    if not data or data.isspace():
        raise ReadError(_("The file is empty."))
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        table = read_xlsx(data, sheet, limits)
    elif b"\x00" in data[:4096] and not _wide_encoding(data[:4096]):
        raise ReadError(_("The file is neither CSV, XLSX nor JSON (it looks like a binary file)."))
    else:
        text, encoding = _decode(data)
        start = _LEADING.match(text).end()
        if text[start : start + 1] in ("[", "{"):
            table = read_json(text[start:], limits)
        else:
            utf8 = None
            if encoding == "utf-8-sig":
                utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
            table = read_csv_text(text, utf8, limits)
    if limits:
        _check_cell_lengths(table, limits)
    return table


def _check_cell_lengths(table: Table, limits: Limits) -> None:
    """Refuse the first cell (or column name) longer than the limit, naming its row and column."""
    for name in table.header:
        check_cell_length(len(name), limits, 1, name)
    # A cell holds no more characters than bytes, and its bytes are counted already: characters are counted
    # only in a column holding a cell of more bytes than the limit.
    longest = table.frame.select(pl.col(table.header).str.len_bytes().max()).row(0) if table.header else ()
    for name, size in zip(table.header, longest):
        if size is not None and size > limits.cell_characters:
            too_long = table.frame.filter(pl.col(name).str.len_chars() > limits.cell_characters)
            if too_long.height:
                check_cell_length(len(too_long[name][0]), limits, too_long[ROW][0], name)
    for row, cells in table.ragged_rows:
        for number, cell in enumerate(cells, start=1):
            check_cell_length(len(cell), limits, row, f"column_{number}")
