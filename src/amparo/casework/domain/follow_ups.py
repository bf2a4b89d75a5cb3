"""When follow-up visits fall due after a placement starts, and which are overdue."""

import calendar
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_FOLLOW_UP_MONTHS: tuple[int, ...] = (1, 3, 6, 12)
DUE_SOON_DAYS = 30  # a visit due within this many days is on the case worker's list of visits to plan


class VisitState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    SCHEDULED = "scheduled"
    DONE = "done"


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 -> 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def follow_up_schedule(started_on: date, months: tuple[int, ...] = DEFAULT_FOLLOW_UP_MONTHS) -> list[tuple[int, date]]:
    """(months after placement, due date) of each visit, in order."""
    return [(m, add_months(started_on, m)) for m in sorted(set(months))]


def is_overdue(due_on: date, visited_on: date | None, today: date) -> bool:
    return visited_on is None and due_on < today


def visit_state(due_on: date, visited_on: date | None, today: date) -> VisitState:
    """Where a visit stands today: made, overdue (is_overdue), due within DUE_SOON_DAYS, or further ahead."""
    if visited_on is not None:
        return VisitState.DONE
    if is_overdue(due_on, visited_on, today):
        return VisitState.OVERDUE
    return VisitState.DUE_SOON if due_on <= today + timedelta(days=DUE_SOON_DAYS) else VisitState.SCHEDULED
