import polars as pl
import pytest

from amparo.exchange.domain.case_counts import check_case_parts
from amparo.exchange.domain.readers import ROW, ReadError
from tests.exchange.domain.test_limits import LIMITS


def _frame(**columns) -> pl.DataFrame:
    height = len(next(iter(columns.values())))
    return pl.DataFrame(columns).with_columns(pl.Series(ROW, range(2, height + 2)))


def test_a_case_with_more_perpetrators_than_the_limit_is_refused_naming_row_column_and_count():
    frame = _frame(source_record_id=["A-1", "A-2"], recruiter_relationship=["parent", ";".join(["uncle_aunt"] * 101)])
    with pytest.raises(
        ReadError, match="Row 3, column vinculo: the case has 101 perpetrators; an import reads at most 100 per case"
    ):
        check_case_parts(frame, LIMITS, {"recruiter_relationship": "vinculo"})
    check_case_parts(frame.with_columns(pl.col("recruiter_relationship").str.replace(";uncle_aunt", "")), LIMITS, {})


def test_values_are_counted_as_the_normaliser_splits_them():
    escaped = ";".join(["a\\;b"] * 50)  # 50 values, 99 semicolons
    relationships = "|".join(["parent"] * 101)  # a relationship cell may also use `|`
    check_case_parts(_frame(perpetrator_prs_FirstName=[escaped]), LIMITS, {})
    with pytest.raises(ReadError, match="101 perpetrators"):
        check_case_parts(_frame(recruiter_relationship=[relationships]), LIMITS, {})
    check_case_parts(_frame(perpetrator_prs_FirstName=[relationships]), LIMITS, {})  # one name with bars in it


@pytest.mark.parametrize("column", ["transit_ubigeo", "exploitation_date", "event_order"])
def test_a_case_with_more_events_than_the_limit_is_refused(column):
    frame = _frame(source_record_id=["A-1"], **{column: [";".join(["150101"] * 101)]})
    with pytest.raises(ReadError, match=f"Row 2, column {column}: the case has 101 events"):
        check_case_parts(frame, LIMITS, {})


def test_a_frame_without_those_columns_has_nothing_to_count():
    check_case_parts(_frame(source_record_id=["A-1"]), LIMITS, {})
