from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.stats.domain.disclosure import suppress_list, suppress_table


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    hidden, total_hidden = suppress_list([10, 3, 8, 0, 6], total=27, threshold=5)
    assert hidden == [False, True, False, False, True]
    assert total_hidden is False


def test_two_small_cells_protect_each_other():
    assert suppress_list([10, 3, 2], total=15, threshold=5) == ([False, True, True], False)


def test_zeros_are_shown_and_never_taken_as_the_second_cell():
    assert suppress_list([20, 0, 4], total=24, threshold=5) == ([True, False, True], False)


def test_a_single_small_cell_hides_the_total_too():
    assert suppress_list([3], total=3, threshold=5) == ([True], True)


def test_a_single_sensitive_cell_with_no_other_count_hides_the_total():
    assert suppress_list([9, 0], total=9, threshold=10) == ([True, False], True)


def test_counts_at_the_threshold_are_published():
    assert suppress_list([5, 5, 7], total=17, threshold=5) == ([False, False, False], False)


def test_threshold_one_hides_nothing():
    assert suppress_list([1, 2, 0], total=3, threshold=1) == ([False, False, False], False)


def test_two_way_table_hides_a_rectangle_around_the_small_cell():
    #        A   B   C | total
    # r1    10   2  12 | 24
    # r2     8   9   7 | 24
    # r3     0   6  11 | 17
    # total 18  17  30 | 65
    mask = suppress_table([[10, 2, 12], [8, 9, 7], [0, 6, 11]], [24, 24, 17], [18, 17, 30], 65, threshold=5)
    assert mask.cells == [[True, True, False], [True, True, False], [False, False, False]]
    assert mask.row_totals == [False, False, False]
    assert mask.column_totals == [False, False, False]
    assert mask.grand_total is False


def test_two_way_table_hides_margins_when_no_interior_cell_is_left():
    #        A  B | total
    # r1     3  0 | 3
    # r2     9  8 | 17
    # total 12  8 | 20
    mask = suppress_table([[3, 0], [9, 8]], [3, 17], [12, 8], 20, threshold=5)
    assert mask.cells == [[True, False], [True, False]]
    assert mask.row_totals == [True, True]
    assert mask.column_totals == [False, False]
    assert mask.grand_total is False


def test_a_table_without_small_cells_is_untouched():
    mask = suppress_table([[10, 0], [7, 12]], [10, 19], [17, 12], 29, threshold=5)
    assert not any(map(any, mask.cells)) and not any(mask.row_totals) and not any(mask.column_totals)
    assert mask.grand_total is False


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    cells = [[draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40])) for _ in range(n_cols)] for _ in range(n_rows)]
    return cells


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(2, 11))
def test_every_line_of_a_two_way_table_hides_no_cell_or_at_least_two(cells, threshold):
    row_totals = [sum(r) for r in cells]
    column_totals = [sum(c) for c in zip(*cells)]
    grand = sum(row_totals)
    mask = suppress_table(cells, row_totals, column_totals, grand, threshold)
    extended = [r + [t] for r, t in zip(cells, row_totals)] + [column_totals + [grand]]
    hidden = [m + [t] for m, t in zip(mask.cells, mask.row_totals)] + [mask.column_totals + [mask.grand_total]]
    lines = [list(zip(v, h)) for v, h in zip(extended, hidden)]
    lines += [list(zip(v, h)) for v, h in zip(zip(*extended), zip(*hidden))]
    for line in lines:
        hidden_in_line = sum(h for _, h in line)
        if hidden_in_line == 1:
            # Only allowed when nothing else in the line could reveal it: every other value is zero.
            assert all(v == 0 for v, h in line if not h)
    for values, flags in zip(extended, hidden):
        for value, flag in zip(values, flags):
            if 0 < value < threshold:
                assert flag, "a small count is visible"
            if value == 0:
                assert not flag, "a structural zero was hidden"
