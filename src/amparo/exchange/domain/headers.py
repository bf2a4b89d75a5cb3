"""How a file's header is matched to a format's columns, for every format: one matcher, one set of refusals.

A format accepts for each of its columns its own name and its aliases, in any
case, with or without accents, spaces, dots, hyphens or underscores
(core.text.fold). A header that gives a column twice, under two spellings
(`Age` and `age`, `edad` and `age`), is refused as a whole: keeping either
would silently drop the other's values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from amparo.core.text import fold


class FormatError(ValueError):
    """The header does not fit the format asked for, or no format at all."""


def single_column_refusal(header: list[str]) -> FormatError:
    """A header read as one column: most likely a delimiter Amparo does not read."""
    return FormatError(
        _(
            "The header has a single column (%(header)s): the file may use a delimiter other than comma, "
            "semicolon or tab."
        )
        % {"header": header[0][:120]}
    )


@dataclass(frozen=True)
class HeaderMatch:
    header: list[str]
    columns: dict[str, str]  # file column -> the format's column it gives (the first spelling of each)
    twins: tuple[tuple[str, str, str], ...]  # (file column, a later file column, the format's column both give)

    @property
    def score(self) -> float:
        """How much of the header the format explains, 0 to 1."""
        return len(self.columns) / len(self.header) if self.header else 0.0

    def cell(self, column: str) -> str | None:
        """The file column that gives one of the format's columns, if any."""
        return next((cell for cell, name in self.columns.items() if name == column), None)

    def checked(self, required: Iterable[str], label: str) -> dict[str, str]:
        """`columns`, once the header is known to give no column twice and every required one."""
        if len(self.header) == 1 and not set(required) <= set(self.columns.values()):
            raise single_column_refusal(self.header)
        if self.twins:
            pairs = "; ".join(
                _("%(first)s and %(second)s (both %(column)s)") % {"first": first, "second": second, "column": column}
                for first, second, column in self.twins
            )
            raise FormatError(
                _(
                    "The header gives the same column more than once: %(pairs)s. Each column may be given "
                    "once: remove or rename one of each pair."
                )
                % {"pairs": pairs}
            )
        missing = [name for name in required if name not in self.columns.values()]
        if missing:
            raise FormatError(
                _("The %(format)s file lacks the required column(s) %(missing)s. Columns found: %(found)s.")
                % {"format": label, "missing": ", ".join(missing), "found": ", ".join(self.header)}
            )
        return self.columns


class HeaderSpellings:
    """Each column of a format with the spellings a header may give it in."""

    def __init__(self, aliases: Mapping[str, Iterable[str]]):
        self._index: dict[str, str] = {}
        for column, names in aliases.items():
            for name in (column, *names):
                other = self._index.setdefault(fold(name), column)
                if other != column:
                    raise ValueError(f"the header spelling {name!r} would name both {other} and {column}")

    def column_of(self, cell: str) -> str | None:
        return self._index.get(fold(cell))

    def match(self, header: list[str]) -> HeaderMatch:
        first: dict[str, str] = {}  # the format's column -> the file column that gave it first
        twins = []
        for cell in header:
            column = self.column_of(cell)
            if column in first:
                twins.append((first[column], cell, column))
            elif column is not None:
                first[column] = cell
        return HeaderMatch(list(header), {cell: column for column, cell in first.items()}, tuple(twins))
