"""Small-cell suppression for published tables.

Primary suppression hides every count from 1 to threshold - 1: such a cell
could point at one child. Zeros are structural and stay visible. Secondary
suppression then hides more cells so that no hidden cell can be recovered by
subtracting the visible ones from a published total: every line of the table
(the 1-D list with its total; each row and column of a 2-D table, margins
included) must hold either no hidden cell or at least two. Lines are balanced
until nothing changes, hiding a non-zero interior cell first (one that also
completes a crossing line, else the smallest) and a margin only when no
interior cell is left.
"""

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5


def is_sensitive(value: int, threshold: int) -> bool:
    """A count that must not be published on its own."""
    return 0 < value < threshold


def _balance(values: list[int], hidden: list[bool], lines: list[list[int]], margins: set[int]) -> None:
    """Hide cells until no line has exactly one hidden cell (in place)."""
    lines_of: dict[int, list[list[int]]] = {}
    for line in lines:
        for index in line:
            lines_of.setdefault(index, []).append(line)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[i] for i in line) != 1:
                continue
            candidates = [i for i in line if not hidden[i] and values[i] > 0]
            if not candidates:
                continue

            def preference(i: int, line=line) -> tuple:
                # Interior before margin; a cell that also completes a crossing line (so one hidden cell
                # does two jobs and less is lost); then the smallest.
                crossing_needs_partner = any(
                    other is not line and sum(hidden[k] for k in other) == 1 for other in lines_of[i]
                )
                return (i in margins, not crossing_needs_partner, values[i], i)

            hidden[min(candidates, key=preference)] = True
            changed = True


def suppress_list(counts: Sequence[int], total: int, threshold: int = DEFAULT_THRESHOLD) -> tuple[list[bool], bool]:
    """Which counts of a one-way table to hide, and whether its total must be hidden too.

    The total is the published total of the list (for multi-valued fields, the
    number of cases, which may be less than the sum; treating it as a sum is
    the cautious choice).
    """
    values = [*counts, total]
    hidden = [is_sensitive(v, threshold) for v in values]
    _balance(values, hidden, [list(range(len(values)))], {len(counts)})
    return hidden[:-1], hidden[-1]


@dataclass(frozen=True)
class TableMask:
    """What to hide in a two-way table and its margins."""

    cells: list[list[bool]]
    row_totals: list[bool]
    column_totals: list[bool]
    grand_total: bool


def suppress_table(
    cells: Sequence[Sequence[int]],
    row_totals: Sequence[int],
    column_totals: Sequence[int],
    grand_total: int,
    threshold: int = DEFAULT_THRESHOLD,
) -> TableMask:
    """Which cells and margins of a two-way table to hide (primary and secondary suppression)."""
    n_rows, n_cols = len(row_totals), len(column_totals)
    if len(cells) != n_rows or any(len(row) != n_cols for row in cells):
        raise ValueError(f"cells must be {n_rows} rows of {n_cols} counts")
    width = n_cols + 1
    extended = [list(row) + [row_totals[r]] for r, row in enumerate(cells)] + [list(column_totals) + [grand_total]]
    values = [v for row in extended for v in row]
    hidden = [is_sensitive(v, threshold) for v in values]
    lines = [[r * width + c for c in range(width)] for r in range(n_rows + 1)]
    lines += [[r * width + c for r in range(n_rows + 1)] for c in range(width)]
    margins = {r * width + n_cols for r in range(n_rows + 1)} | {n_rows * width + c for c in range(width)}
    _balance(values, hidden, lines, margins)
    rows = [hidden[r * width : (r + 1) * width] for r in range(n_rows + 1)]
    return TableMask(
        cells=[row[:n_cols] for row in rows[:n_rows]],
        row_totals=[row[n_cols] for row in rows[:n_rows]],
        column_totals=rows[n_rows][:n_cols],
        grand_total=rows[n_rows][n_cols],
    )
