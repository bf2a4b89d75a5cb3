"""Two years side by side: changes from the published counts only, counted by hand."""

from amparo.reports.domain.comparison import YearChange, year_change, year_changes


def test_a_change_and_its_percent_come_from_both_published_counts():
    assert year_change("a", 8, 10) == YearChange("a", 8, 10, 2, 0.25)
    assert year_change("a", 10, 5) == YearChange("a", 10, 5, -5, -0.5)


def test_a_hidden_count_makes_the_change_unknown_whatever_the_other_count():
    assert year_change("a", None, 12) == YearChange("a", None, 12, None, None)
    assert year_change("a", 7, None) == YearChange("a", 7, None, None, None)


def test_a_key_new_in_the_later_year_has_a_change_but_no_percent():
    assert year_changes({}, {"new": 3}) == [YearChange("new", 0, 3, 3, None)]
    assert year_changes({"gone": 4}, {}) == [YearChange("gone", 4, 0, -4, -1.0)]


def test_keys_follow_the_dimensions_order_when_it_has_one_else_the_later_count():
    earlier, later = {"b": 1, "c": 9, "a": None}, {"a": 2, "b": 5}
    assert [c.key for c in year_changes(earlier, later, order=["c", "b", "a"])] == ["c", "b", "a"]
    # Later counts largest first (b 5, a 2, c 0); a hidden count after every shown one.
    assert [c.key for c in year_changes(earlier, later)] == ["b", "a", "c"]
    assert [c.key for c in year_changes({"x": 1, "y": 3}, {"x": None, "y": 0})] == ["y", "x"]
