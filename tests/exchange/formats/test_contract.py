"""Every registered format keeps the contract of formats.base.ExchangeFormat, so that services, exports, forms
and commands can ask any of them the same things (reading back what each writes: test_round_trip)."""

import inspect

import pytest

from amparo.exchange import formats
from amparo.exchange.formats.base import ExchangeFormat

REGISTERED = list(formats.FORMATS.items())
METHODS = ("score", "source_columns", "to_amparo", "from_cases")


@pytest.mark.parametrize("name, fmt", REGISTERED, ids=[name for name, _fmt in REGISTERED])
def test_a_registered_format_keeps_the_contract(name, fmt):
    assert isinstance(fmt, ExchangeFormat) and not inspect.isabstract(type(fmt))
    assert name == fmt.NAME and str(fmt.LABEL).strip()
    assert fmt.KINDS and set(fmt.KINDS) <= {"csv", "xlsx", "json"}
    assert isinstance(fmt.IDENTITIES, bool) and set(fmt.REQUIRED)
    for method in METHODS:
        assert inspect.signature(getattr(type(fmt), method)) == inspect.signature(getattr(ExchangeFormat, method)), (
            f"{name}.{method} takes other arguments than the contract"
        )


def test_formats_are_registered_once_each_under_distinct_names_and_labels():
    assert (
        len({str(fmt.LABEL) for _name, fmt in REGISTERED})
        == len({type(fmt) for _name, fmt in REGISTERED})
        == len(REGISTERED)
    )
