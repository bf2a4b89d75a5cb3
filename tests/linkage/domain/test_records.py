"""The records to link: their columns are checked, and features derived from them."""

from datetime import date

import polars as pl
import pytest

from amparo.linkage.domain.records import InvalidRecords, features, records_frame

ROW = {
    "unique_id": 1,
    "source": "police",
    "given_names": "Rosa",
    "surnames": "Quispe",
    "birth_date": None,
    "identity_number": "",
    "sex": "Feminine",
    "age": 15,
    "registration_date": date(2024, 5, 6),
    "department": "15",
}


def test_a_missing_column_is_named():
    with pytest.raises(InvalidRecords, match="birth_date"):
        features(records_frame([ROW]).drop("birth_date"))


def test_a_column_of_the_wrong_type_is_named():
    with pytest.raises(InvalidRecords, match="age is String, expected Int64"):
        features(records_frame([ROW]).with_columns(pl.col("age").cast(pl.String)))


def test_duplicated_ids_are_refused():
    with pytest.raises(InvalidRecords, match="unique_id must be unique"):
        features(records_frame([ROW, ROW]))


def test_an_age_implies_a_range_of_birth_years():
    """15 when trafficked, up to a year before registration in 2024: born 2007, 2008 or 2009."""
    row = features(records_frame([ROW])).row(0, named=True)
    assert (row["birth_year_low"], row["birth_year_high"]) == (2007, 2009)


def test_a_birth_date_is_its_own_year():
    row = features(records_frame([dict(ROW, birth_date=date(2008, 7, 9))])).row(0, named=True)
    assert (row["birth_year_low"], row["birth_year_high"]) == (2008, 2008)
    assert (row["birth_ymd"], row["birth_ydm"]) == ("2008-07-09", "2008-09-07")
