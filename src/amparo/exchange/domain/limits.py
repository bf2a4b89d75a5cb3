"""How much of a file an import will read, checked before the file is parsed, and the error that refuses a file.

A file small on disk can be huge once read: an XLSX is a ZIP whose sheet may hold one cell a million rows down
and sixteen thousand columns across (the spreadsheet reader makes room for every cell up to it, and a process
that cannot get that memory aborts), a JSON text may nest lists a thousand deep. So an XLSX is measured by its
ZIP directory and by streaming its sheets' XML (never by the spreadsheet reader), a JSON text by its keys and
brackets with the strings blanked out, and a file past a limit is refused naming the limit and what the file
holds. The values of the limits are settings (AMPARO_IMPORT_*, see amparo.settings).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
_CHUNK = MB


@dataclass(frozen=True)
class Limits:
    file_bytes: int  # the file as it comes
    uncompressed_bytes: int  # the parts of an XLSX once unzipped
    cells: int  # rows times columns (of a sheet, up to its farthest cell); the keys of a JSON file
    columns: int  # of the header; the different keys of a JSON file's cases
    cell_characters: int  # of one cell or column name
    nesting: int  # lists and objects within each other in a JSON file
    perpetrators: int  # of one case
    events: int  # of one case


class ReadError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language.

    A message and its parameters, put together when shown: a file is read in a process of its own
    (exchange.reading), which sends the error back to be shown in the language of whoever asked."""

    def __init__(self, message, params: dict | None = None):
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params is not None else str(self.message)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}"


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise ReadError(
            _("The file is %(size)s MB; an import reads files of at most %(limit)s MB."),
            {"size": _megabytes(size), "limit": _megabytes(limits.file_bytes)},
        )


def check_table_size(rows: int, width: int, limits: Limits) -> None:
    """Refuse a table wider or larger than the limits (rows counted with the header)."""
    if width > limits.columns:
        raise ReadError(
            _("The file has %(columns)s columns; an import reads at most %(limit)s."),
            {"columns": width, "limit": limits.columns},
        )
    if rows * width > limits.cells:
        raise ReadError(
            _(
                "The file has %(cells)s cells (%(rows)s rows by %(columns)s columns); an import reads at "
                "most %(limit)s."
            ),
            {"cells": rows * width, "rows": rows, "columns": width, "limit": limits.cells},
        )


def check_cell_length(length: int, limits: Limits, row: int, column: str) -> None:
    """Refuse a cell (row 1: a column name) longer than the limit."""
    if length > limits.cell_characters:
        raise ReadError(
            _(
                "Row %(row)s, column %(column)s: the cell holds %(length)s characters; an import reads "
                "cells of at most %(limit)s."
            ),
            {"row": row, "column": column[:80], "length": length, "limit": limits.cell_characters},
        )


# --- XLSX --------------------------------------------------------------------------------------------------------


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts unzip to more than the limit, or a sheet that declares or reaches a size past
    the limits. The parts are unzipped as a stream, a megabyte at a time, stopping at the first limit passed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        _check_uncompressed(sum(member.file_size for member in members), limits)
        total = 0
        for member in members:
            extent = _SheetExtent() if member.filename.lower().endswith(".xml") else None
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    _check_uncompressed(total, limits)
                    if extent is not None:
                        extent.feed(chunk)
                        extent.check(member.filename, limits)
            if extent is not None:
                extent.finish()
                extent.check(member.filename, limits)
    except ReadError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # zipfile on a compression method it cannot read
        RuntimeError,
        EOFError,
        OSError,
        ValueError,
        zlib.error,
    ) as error:
        raise ReadError(_("The spreadsheet cannot be read (%(error)s)."), {"error": error}) from error


def _check_uncompressed(size: int, limits: Limits) -> None:
    if size > limits.uncompressed_bytes:
        raise ReadError(
            _("The spreadsheet unzips to at least %(size)s MB; an import reads at most %(limit)s MB unzipped."),
            {"size": _megabytes(size), "limit": _megabytes(limits.uncompressed_bytes)},
        )


_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^>]*?\bref="([^"]*)"')
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]*)")
_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_R_ATTRIBUTE = re.compile(rb'\br="([^"]*)"')
# A cell or row whose reference is not its first attribute, or a cell or row named with a prefix (`<x:c>`):
# three searches, since one pattern with the three alternatives is ten times slower.
_IRREGULAR = (
    re.compile(rb'<c(?![ ]r="|[\w.:-])'),
    re.compile(rb'<row(?![ ]r="|[\w.:-])'),
    re.compile(rb":(?:c|row)[\s/>]"),
)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_name(row: int, column: int) -> str:
    return f"{_column_letters(column)}{row}"


def _number(digits: bytes) -> int:
    """A row number; past 18 digits (int() refuses over 4,300), 10**18, which is past any limit anyway."""
    return int(digits) if len(digits.lstrip(b"0")) <= 18 else 10**18


def _reference(text: bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, of a cell reference such as `XFD1048576`; a part left out is 0; None if not one."""
    match = _REFERENCE.fullmatch(text)
    if match is None or not text:
        return None
    letters, digits = match.groups()
    return (_number(digits) if digits else 0), _column_number(letters[:14])


def _after(text: str, alphabet: str) -> str:
    """A pattern of the strings over `alphabet` that come after `text` when ordered by length, then by
    `alphabet`'s order: column letters after `XFC`, or row digits after `999`."""
    first, last = alphabet[0], alphabet[-1]
    alternatives = [f"[{first}-{last}]{{{len(text) + 1},}}"]
    for i, character in enumerate(text):
        if character != last:
            following = alphabet[alphabet.index(character) + 1]
            tail = len(text) - i - 1
            alternatives.append(
                re.escape(text[:i]) + f"[{following}-{last}]" + (f"[{first}-{last}]{{{tail}}}" if tail else "")
            )
    return "(?:" + "|".join(alternatives) + ")"


@lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern:
    """Cell references past row `rows` or column `columns` (a superset: row digits with leading zeros too)."""
    letters = _after(_column_letters(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    digits = _after(str(rows) if rows else "", "0123456789")
    return re.compile(rf'<c r="(?:{letters}[0-9]+|[A-Za-z]*{digits})"'.encode(), re.IGNORECASE)


class _SheetExtent:
    """The farthest row and column at which a worksheet's XML places a cell, as the spreadsheet reader does: at
    its reference, or, without one, after the cell before it in its row (a row without a number follows the row
    before it). Any other XML part of the workbook holds no cells and measures 0."""

    def __init__(self):
        self.rows = self.columns = 0
        self.declared: bytes | None = None
        self._in_header = True  # the dimension comes before the cells
        self._row = self._column = 0  # where the last row and cell were, for those without a reference
        self._rest = b""

    def feed(self, chunk: bytes) -> None:
        data = self._rest + chunk
        end = data.rfind(b">") + 1
        if end == 0 and len(data) > _CHUNK:
            end = len(data)  # no tag ends in a megabyte: nothing here is a cell worth keeping for
        self._rest = data[end:]
        self._measure(data[:end])

    def finish(self) -> None:
        self._measure(self._rest)
        self._rest = b""

    def check(self, part: str, limits: Limits) -> None:
        if self.declared is not None:
            position = _reference(self.declared.rpartition(b":")[2])
            if position is not None and position[0]:  # no row, no reference (LibreOffice may leave out the column)
                _check_sheet(part, *position, limits, declared=self.declared.decode("ascii", "replace")[:40])
        _check_sheet(part, self.rows, self.columns, limits)

    def _measure(self, text: bytes) -> None:
        if not text:
            return
        if self._in_header:
            found = _DIMENSION.search(text)
            if found:
                self.declared = found.group(1)
            self._in_header = not found and b"sheetData" not in text
        if any(pattern.search(text) for pattern in _IRREGULAR):
            self._measure_each(text)
        else:
            self._measure_referenced(text)

    def _note(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)

    def _measure_referenced(self, text: bytes) -> None:
        """Every cell and row has its reference first, as spreadsheet programs write them: the last cell is the
        farthest down when rows come in order, and a pattern finds the few cells past it (a wider row, rows out of
        order) without looking at each cell."""
        last = text.rfind(b'<c r="')
        if last >= 0:
            position = _reference(text[last + 6 : text.find(b'"', last + 6)])
            if position is not None:
                self._note(*position)
                self._row, self._column = position
        for match in _beyond(self.rows, self.columns).finditer(text):
            position = _reference(match.group()[6:-1])
            if position is not None:
                self._note(*position)
        last_row = text.rfind(b'<row r="')
        if last_row > last:
            digits = text[last_row + 8 : text.find(b'"', last_row + 8)]
            self._row, self._column = (_number(digits) if digits.isdigit() else self._row + 1), 0

    def _measure_each(self, text: bytes) -> None:
        """Cells without a reference, references not first, or prefixed names: element by element."""
        for match in _ELEMENT.finditer(text):
            reference = _R_ATTRIBUTE.search(match.group(2))
            position = _reference(reference.group(1)) if reference else None
            if match.group(1) == b"row":
                self._row = position[0] if position and position[0] and not position[1] else self._row + 1
                self._column = 0
                continue
            if position is None or not position[0] or not position[1]:
                position = (self._row, self._column + 1)
            self._row, self._column = position
            self._note(*position)


def _check_sheet(part: str, rows: int, columns: int, limits: Limits, declared: str = "") -> None:
    """Refuse a sheet that reaches (or, in its dimension element, says it reaches) past the limits."""
    found = {
        "sheet": part,
        "cell": declared or _cell_name(rows, columns),
        "rows": rows,
        "columns": columns,
        "cells": rows * columns,
    }
    if columns > limits.columns:
        message = (
            _(
                "The sheet %(sheet)s declares its size as %(cell)s, %(columns)s columns; an import reads at "
                "most %(limit)s columns."
            )
            if declared
            else _(
                "The sheet %(sheet)s reaches column %(columns)s (cell %(cell)s); an import reads at most "
                "%(limit)s columns."
            )
        )
        raise ReadError(message, found | {"limit": limits.columns})
    if rows * columns > limits.cells:
        message = (
            _(
                "The sheet %(sheet)s declares its size as %(cell)s: %(rows)s rows by %(columns)s columns, "
                "%(cells)s cells; an import reads at most %(limit)s cells."
            )
            if declared
            else _(
                "The sheet %(sheet)s reaches cell %(cell)s: %(rows)s rows by %(columns)s columns, %(cells)s "
                "cells; an import reads at most %(limit)s cells."
            )
        )
        raise ReadError(message, found | {"limit": limits.cells})


# --- JSON --------------------------------------------------------------------------------------------------------

_JSON_STRING = r'(?s)"(?:[^"\\]|\\.)*"'
_INNERMOST = re.compile(r"\[\]|\{\}")


def check_json(text: str, limits: Limits) -> None:
    """Refuse a JSON text with more keys than cells allowed, or nested deeper than the limit, before parsing it:
    its strings are blanked out, then its keys counted and its brackets peeled, innermost pair first. (Polars'
    regular expressions, which run in a fraction of the time Python's take on a large text.)"""
    skeleton = pl.Series([text]).str.replace_all(_JSON_STRING, '""').str.replace_all(r"\s+", "")
    keys = skeleton.str.count_matches('"":', literal=True)[0]
    if keys > limits.cells:
        raise ReadError(
            _("The JSON file holds %(keys)s keys, one cell each; an import reads at most %(limit)s cells."),
            {"keys": keys, "limit": limits.cells},
        )
    brackets = skeleton.str.replace_all(r"[^\[\]{}]+", "")[0]
    del skeleton
    if re.search(rf"[\[{{]{{{limits.nesting + 1}}}", brackets) or _deeper_than(brackets, limits.nesting):
        raise nesting_error(limits.nesting)


def _deeper_than(brackets: str, depth: int) -> bool:
    for _level in range(depth):
        peeled = _INNERMOST.sub("", brackets)
        if peeled == brackets:
            return False  # not balanced: the parser says where
        brackets = peeled
    return bool(_INNERMOST.search(brackets))


def nesting_error(depth: int) -> ReadError:
    return ReadError(
        _("The JSON file nests lists or objects more than %(limit)s levels deep; an import reads at most %(limit)s."),
        {"limit": depth},
    )
