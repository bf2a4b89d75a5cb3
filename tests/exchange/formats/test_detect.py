import pytest

from amparo.exchange import formats
from amparo.exchange.formats.ctdc_legacy import CtdcLegacyFormat
from amparo.exchange.formats.ctdc_synthetic import CtdcSyntheticFormat


@pytest.mark.parametrize(
    "header, expected",
    [
        (["source_record_id", "registration_date", "prs_Gender", "age", "exploitation_ubigeo"], "amparo"),
        (["id_registro", "fecha_registro", "sexo", "departamento"], "amparo"),
        (
            [
                "source_record_id",
                "registration_date",
                "prs_Gender",
                "vic_RelationshipToTrafficker",
                "vic_TraffickinStatusDecisionMakingOrg",
                "exploitation_hte_Country",
            ],
            "htcds",
        ),
        (list(CtdcLegacyFormat.HEADER), "ctdc-legacy"),
        (list(CtdcLegacyFormat.HEADER[:-1]), "ctdc-legacy"),  # the 62-column variant
        (list(CtdcSyntheticFormat.HEADER), "ctdc-synthetic"),
    ],
)
def test_the_format_is_recognised_from_the_header(header, expected):
    assert expected == formats.detect(header).NAME


def test_an_unknown_header_is_refused_listing_its_columns():
    with pytest.raises(formats.FormatError, match="foo, bar"):
        formats.detect(["foo", "bar"])


def test_an_unknown_format_name_is_refused_listing_the_known_ones():
    with pytest.raises(formats.FormatError, match="ctdc-legacy"):
        formats.get("excel")
