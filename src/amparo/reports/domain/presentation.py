"""A report as plain data: tables ready to print, charts and maps as SVG, and the sentences.

Every writer (HTML, XLSX, JSON, Markdown, CSV) reads these classes, so the
same figure is printed the same way wherever it appears. A cell holding None
was hidden by disclosure control.
"""

import json
from dataclasses import dataclass, field

from amparo.reports.domain.numbers import format_int, format_percent
from amparo.stats.domain.protection import UNPROTECTED, Protection

KINDS = ("text", "count", "share")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # one of KINDS
    definition: str = ""


@dataclass(frozen=True)
class ReportTable:
    """One table: a title, what its figures mean and count, its columns and rows."""

    slug: str  # stable name: a sheet, a file or a JSON key
    title: str
    definition: str
    unit: str  # "cases" or "victims"
    unit_label: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]  # one per row: the code behind the row's label ("total" for the totals row)
    rows: tuple[tuple[object, ...], ...]
    threshold: int | None = None  # disclosure threshold applied, None when none was
    note: str = ""  # what the reader must know (protection, multi-valued counts)
    chart: str = ""  # SVG
    protection: Protection = UNPROTECTED


@dataclass(frozen=True)
class Figure:
    """A headline number with its meaning."""

    key: str
    label: str
    value: float | int | None
    kind: str  # "count" or "share"
    definition: str
    ci95: tuple[float, float] | None = None


@dataclass(frozen=True)
class Graphic:
    slug: str
    title: str
    svg: str


@dataclass(frozen=True)
class AnnualReport:
    year: int
    lang: str
    title: str
    unit: str
    unit_label: str
    sentences: tuple[str, ...]
    figures: tuple[Figure, ...]
    tables: tuple[ReportTable, ...]
    maps: tuple[Graphic, ...] = ()
    charts: tuple[Graphic, ...] = ()
    threshold: int | None = None
    protection: Protection = UNPROTECTED
    notes: tuple[str, ...] = ()
    synthetic: bool = False
    generated: str = ""  # ISO timestamp
    labels: dict[str, str] = field(default_factory=dict)  # fixed words of the layout, translated
    provenance: dict = field(default_factory=dict)  # the filter and registry revision the figures come from

    @property
    def filters_text(self) -> str:
        """The filter as printed at the foot of the report (JSON, as the audit log has it)."""
        return json.dumps(self.provenance.get("filters", {}), ensure_ascii=False, sort_keys=True)


def format_cell(value: object, kind: str, lang: str, hidden: str = "—", digits: int = 1) -> str:
    """A cell as printed: counts with separators, shares as percentages, hidden cells as a dash."""
    if value is None:
        return hidden
    if kind == "count":
        return format_int(int(value), lang)
    if kind == "share":
        return format_percent(float(value), lang, digits)
    return str(value)
