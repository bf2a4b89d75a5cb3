from datetime import date

import pytest

from amparo.casework.domain.follow_ups import add_months, follow_up_schedule, is_overdue


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year, shorter month
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),  # across the year end
        (date(2024, 8, 31), 12, date(2025, 8, 31)),
    ],
)
def test_add_months_keeps_the_day_or_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_the_default_schedule_is_1_3_6_and_12_months():
    assert follow_up_schedule(date(2024, 3, 10)) == [
        (1, date(2024, 4, 10)),
        (3, date(2024, 6, 10)),
        (6, date(2024, 9, 10)),
        (12, date(2025, 3, 10)),
    ]


def test_a_visit_is_overdue_only_when_past_due_and_not_made():
    today = date(2024, 5, 1)
    assert is_overdue(date(2024, 4, 30), None, today)
    assert not is_overdue(date(2024, 5, 1), None, today)
    assert not is_overdue(date(2024, 4, 1), date(2024, 4, 2), today)
