"""The contract every import and export format keeps: what services, exports, forms and commands may ask of one."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import polars as pl
from django.utils.functional import Promise

from amparo.exchange.domain.headers import HeaderMatch, HeaderSpellings
from amparo.exchange.domain.readers import Table


@dataclass(frozen=True)
class ImportContext:
    sha256: str  # of the whole file: formats without record identifiers make theirs from it


class ExchangeFormat(ABC):
    """A file format Amparo reads cases from and writes cases to.

    A format names its columns and their accepted spellings (SPELLINGS, matched
    by domain.headers for every format alike), turns a file's table into Amparo
    case-file columns as text (`to_amparo`; exchange.domain.normalisation then
    checks and normalises them, whatever the format), and writes the typed cases
    of exchange.selectors as rows of text (`from_cases`).
    """

    NAME: ClassVar[str]  # as given to `amparo import/export --format` and stored with each import
    LABEL: ClassVar[Promise]  # as users read it
    KINDS: ClassVar[tuple[str, ...]]  # the files it is written as (csv, xlsx, json)
    IDENTITIES: ClassVar[bool]  # whether its files may hold identifying data, when asked for
    SPELLINGS: ClassVar[HeaderSpellings]  # its columns and the spellings a header may give them in
    REQUIRED: ClassVar[tuple[str, ...]]  # its columns a file must have

    def match(self, header: list[str]) -> HeaderMatch:
        return self.SPELLINGS.match(header)

    def score(self, header: list[str]) -> float:
        """How well the header fits the format, 0 to 1: the format recognised from a file explains most of it."""
        return self.match(header).score

    def file_columns(self, header: list[str]) -> dict[str, str]:
        """file column -> the format's column; FormatError when the header gives a column twice or lacks a
        required one."""
        return self.match(header).checked(self.REQUIRED, str(self.LABEL))

    @abstractmethod
    def source_columns(self, header: list[str]) -> dict[str, str]:
        """Amparo case-file column -> the file's own column, to name it in messages about a row."""

    @abstractmethod
    def to_amparo(self, table: Table, context: ImportContext) -> pl.DataFrame:
        """The file's rows as Amparo case-file columns (text) and ROW; FormatError when the header does not fit."""

    @abstractmethod
    def from_cases(
        self, cases: pl.DataFrame, *, include_identities: bool = False, nested: bool = False
    ) -> pl.DataFrame:
        """Cases (the typed frame of exchange.selectors) as rows of text; identities only when asked for and
        the format holds them (IDENTITIES); `nested`, for a format written as JSON, keeps multi-valued fields
        as lists and a case's perpetrators and events as lists of objects."""
