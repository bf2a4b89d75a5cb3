"""The exchange formats, registered here and only here; each keeps the contract of base.ExchangeFormat."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from amparo.exchange.domain.headers import FormatError, single_column_refusal
from amparo.exchange.formats.amparo import AmparoFormat
from amparo.exchange.formats.base import ExchangeFormat, ImportContext
from amparo.exchange.formats.ctdc_legacy import CtdcLegacyFormat
from amparo.exchange.formats.ctdc_synthetic import CtdcSyntheticFormat
from amparo.exchange.formats.htcds import HtcdsFormat

__all__ = ["FORMATS", "MIN_SCORE", "ExchangeFormat", "FormatError", "ImportContext", "detect", "get"]

FORMATS: dict[str, ExchangeFormat] = {
    f.NAME: f for f in (AmparoFormat(), HtcdsFormat(), CtdcLegacyFormat(), CtdcSyntheticFormat())
}
MIN_SCORE = 0.5


def detect(header: list[str]) -> ExchangeFormat:
    """The format whose columns best explain the header; FormatError if none explains half of it."""
    scores = {name: fmt.score(header) for name, fmt in FORMATS.items()}
    best = max(scores, key=scores.get)
    if scores[best] < MIN_SCORE:
        if len(header) == 1:
            raise single_column_refusal(header)
        raise FormatError(
            _(
                "The format of the file was not recognised (Amparo, HTCDS, CTDC legacy or CTDC "
                "synthetic). Columns found: %(found)s."
            )
            % {"found": ", ".join(header)}
        )
    return FORMATS[best]


def get(name: str) -> ExchangeFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(
            _("Unknown format %(name)s; use one of: %(formats)s.")
            % {"name": name, "formats": ", ".join(["auto", *FORMATS])}
        ) from None
