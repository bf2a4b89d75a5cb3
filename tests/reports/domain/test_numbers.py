from amparo.reports.domain.numbers import format_decimal, format_int, format_percent, join_names


def test_it_writes_percentages_the_spanish_and_the_english_way():
    assert format_percent(120 / 253, "es") == "47 %"
    assert format_percent(120 / 253, "en") == "47%"
    assert format_percent(120 / 253, "es", 1) == "47,4 %"
    assert format_percent(120 / 253, "en", 1) == "47.4%"


def test_it_separates_thousands_only_from_five_digits_in_spanish():
    assert format_int(1000, "es") == "1000"
    assert format_int(1000000, "es") == "1\u00a0000\u00a0000"
    assert format_int(1000000, "en") == "1,000,000"
    assert format_decimal(12345.5, "es") == "12\u00a0345,5"


def test_it_joins_names_with_the_right_conjunction():
    assert join_names(["Madre de Dios", "Loreto", "Ucayali"], "es") == "Madre de Dios, Loreto y Ucayali"
    assert join_names(["Madre de Dios", "Loreto", "Ucayali"], "en") == "Madre de Dios, Loreto and Ucayali"
    assert join_names(["Cusco", "Ica"], "es") == "Cusco e Ica"
    assert join_names(["Lima", "Hierro"], "es") == "Lima y Hierro"
    assert join_names(["Lima"], "es") == "Lima"
    assert join_names([], "en") == ""
