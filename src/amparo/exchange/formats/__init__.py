"""The exchange formats, one module each with the same shape.

Each module defines NAME, LABEL, `score(header)` (how well a header fits, 0 to 1),
`to_amparo(table, context)` (the file's columns as Amparo case-file columns, text),
`source_columns(header)` (Amparo column -> the file's own column, for messages)
and `from_cases(cases, include_identities)` (export rows as text; the Amparo and HTCDS
formats, which are also written as JSON, take `nested=True` for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from django.utils.translation import gettext_lazy as _

from amparo.exchange.formats import amparo, ctdc_legacy, ctdc_synthetic, htcds

FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (amparo, htcds, ctdc_legacy, ctdc_synthetic)}
MIN_SCORE = 0.5


class FormatError(ValueError):
    """The header does not fit the format asked for, or no format at all."""


@dataclass(frozen=True)
class ImportContext:
    sha256: str


def detect(header: list[str]) -> ModuleType:
    """The format whose columns best explain the header; FormatError if none explains half of it."""
    scores = {name: module.score(header) for name, module in FORMATS.items()}
    best = max(scores, key=scores.get)
    if scores[best] < MIN_SCORE:
        if len(header) == 1:
            raise FormatError(_("The header has a single column (%(header)s): the file may use a delimiter other "
                                "than comma, semicolon or tab.") % {"header": header[0][:120]})
        raise FormatError(_("The format of the file was not recognised (Amparo, HTCDS, CTDC legacy or CTDC "
                            "synthetic). Columns found: %(found)s.") % {"found": ", ".join(header)})
    return FORMATS[best]


def get(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(_("Unknown format %(name)s; use one of: %(formats)s.")
                          % {"name": name, "formats": ", ".join(["auto", *FORMATS])}) from None


def require(header: list[str], present: set[str], required: tuple[str, ...], label: str) -> None:
    """Refuse a file that lacks a required column, naming it and listing what was found."""
    missing = [name for name in required if name not in present]
    if len(header) == 1 and missing:
        raise FormatError(_("The header has a single column (%(header)s): the file may use a delimiter other "
                            "than comma, semicolon or tab.") % {"header": header[0][:120]})
    if missing:
        raise FormatError(_("The %(format)s file lacks the required column(s) %(missing)s. Columns found: %(found)s.")
                          % {"format": label, "missing": ", ".join(missing), "found": ", ".join(header)})
