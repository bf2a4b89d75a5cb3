import pytest

from amparo.stats.domain.tables import build_crosstab, build_table


def test_rows_are_sorted_by_count_then_key_with_shares_of_the_total():
    table = build_table(
        dimension="d",
        unit="cases",
        counts={"b": (3, 1), "a": (3, 0), "c": (9, 9)},
        labels={"a": "A"},
        total=15,
        family_facilitated_total=10,
    )
    assert [(r.key, r.label, r.count) for r in table.rows] == [("c", "c", 9), ("a", "A", 3), ("b", "b", 3)]
    assert table.row("c").share == pytest.approx(0.6)


def test_hidden_rows_go_last_in_key_order_and_show_nothing():
    table = build_table(
        dimension="d",
        unit="cases",
        counts={"z": (4, 0), "a": (2, 0), "m": (30, 7)},
        labels={},
        total=36,
        family_facilitated_total=7,
        threshold=5,
    )
    assert [(r.key, r.count, r.share, r.ci_low, r.family_facilitated) for r in table.rows] == [
        ("m", 30, pytest.approx(30 / 36), table.row("m").ci_low, 7),
        ("a", None, None, None, None),
        ("z", None, None, None, None),
    ]
    assert table.total == 36


def test_small_family_facilitated_counts_are_hidden_in_their_own_column():
    table = build_table(
        dimension="d",
        unit="cases",
        counts={"a": (20, 3), "b": (30, 12), "c": (25, 10)},
        labels={},
        total=75,
        family_facilitated_total=25,
        threshold=5,
    )
    assert [(r.key, r.count, r.family_facilitated) for r in table.rows] == [
        ("b", 30, 12),
        ("c", 25, None),
        ("a", 20, None),
    ]


def test_it_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="cases, victims"):
        build_table(dimension="d", unit="people", counts={}, labels={}, total=0, family_facilitated_total=0)


def test_crosstab_fills_missing_cells_with_zeros():
    table = build_crosstab(
        row_dimension="r",
        column_dimension="c",
        unit="cases",
        counts={("x", "p"): 7},
        row_keys=["x", "y"],
        column_keys=["p", "q"],
        row_labels={},
        column_labels={"q": "Q"},
        row_totals={"x": 7},
        column_totals={"p": 7},
        total=7,
    )
    assert table.cells == ((7, 0), (0, 0))
    assert table.column_labels == ("p", "Q")
    assert table.row_totals == (7, 0)
