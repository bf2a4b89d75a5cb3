import pytest

from amparo.core.age_bands import (
    CTDC_AGE_BROAD,
    FIVE_YEAR_BANDS,
    PERU_BANDS,
    TEN_YEAR_BANDS,
    TWENTY_YEAR_BANDS,
    band_for,
    majority_status,
)


@pytest.mark.parametrize(
    "age,band",
    [
        (0, "0-12"),
        (12, "0-12"),
        (13, "13-17"),
        (17, "13-17"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-34"),
        (34, "25-34"),
        (35, "35+"),
        (90, "35+"),
        (None, "unknown"),
    ],
)
def test_peru_bands(age, band):
    assert band_for(age) == band


@pytest.mark.parametrize(
    "age,band", [(8, "0--8"), (9, "9--17"), (17, "9--17"), (20, "18--20"), (47, "39--47"), (48, "48+")]
)
def test_ctdc_age_broad(age, band):
    assert band_for(age, CTDC_AGE_BROAD) == band


@pytest.mark.parametrize("bands", [PERU_BANDS, CTDC_AGE_BROAD])
def test_bands_cover_every_age_once(bands):
    for age in range(121):
        assert sum(b.contains(age) for b in bands) == 1


def test_majority_status():
    assert [majority_status(a) for a in (17, 18, None)] == ["Minor", "Adult", "Unknown"]


@pytest.mark.parametrize("bands", [FIVE_YEAR_BANDS, TEN_YEAR_BANDS, TWENTY_YEAR_BANDS])
def test_uniform_bands_cover_every_age_once(bands):
    for age in range(121):
        assert sum(b.contains(age) for b in bands) == 1


def test_uniform_bands_labels():
    assert [b.label for b in TWENTY_YEAR_BANDS] == ["0-19", "20-39", "40-59", "60+"]
    assert band_for(14, FIVE_YEAR_BANDS) == "10-14" and band_for(14, TEN_YEAR_BANDS) == "10-19"
    assert band_for(75, TEN_YEAR_BANDS) == "60+"
