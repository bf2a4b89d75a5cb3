from amparo.core.countries import alpha_3, country_name, country_names


def test_countries_are_named_in_the_readers_language():
    assert country_name("PE", "es") == "Perú"
    assert country_name("VE", "es") == "Venezuela"  # the common name, not the official one
    assert country_name("BO", "en") == "Bolivia"


def test_a_code_that_is_not_a_country_is_shown_as_it_is():
    assert country_name("XX", "es") == "XX"
    assert country_name("", "es") == ""


def test_the_list_of_names_agrees_with_each_name():
    names = country_names("es")
    assert names["PE"] == country_name("PE", "es") and names["CO"] == country_name("CO", "es")


def test_alpha_3():
    assert (alpha_3("PE"), alpha_3("VE"), alpha_3(""), alpha_3("XX")) == ("PER", "VEN", "", "")
