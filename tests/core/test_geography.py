import pytest

from amparo.core import geography


def test_inei_counts_are_complete():
    assert len(geography.departments()) == 25
    assert len(geography.provinces()) == 196
    assert len(geography.districts()) == 1873


@pytest.mark.parametrize("name", ["Cuzco", "CUSCO", "Cusco", " cusco ", "CUZCO"])
def test_department_names_match_without_regard_to_accents_or_case(name):
    assert geography.find_department(name).ubigeo == "08"


@pytest.mark.parametrize(
    "name,code",
    [
        ("Áncash", "02"),
        ("ANCASH", "02"),
        ("Junin", "12"),
        ("MADRE DE DIOS", "17"),
        ("San Martin", "22"),
        ("Callao", "07"),
        ("El Callao", "07"),
    ],
)
def test_departments_with_accents(name, code):
    assert geography.find_department(name).ubigeo == code


@pytest.mark.parametrize(
    "raw,code",
    [
        ("10101", "010101"),
        ("010101", "010101"),
        (10101, "010101"),
        ("101", "0101"),
        ("8", "08"),
        ("150101.0", "150101"),
    ],
)
def test_ubigeo_that_lost_its_leading_zero_is_restored(raw, code):
    assert geography.normalise_ubigeo(raw) == code


@pytest.mark.parametrize("raw", ["999999", "abc", "", "1234567", "15-01"])
def test_invalid_ubigeo_is_refused(raw):
    with pytest.raises(geography.UnknownPlace):
        geography.normalise_ubigeo(raw)


def test_unknown_department_is_refused_with_its_name():
    with pytest.raises(geography.UnknownPlace, match="Atlantis"):
        geography.find_department("Atlantis")


def test_lima_metropolitana_is_distinguishable_from_the_rest_of_lima_and_callao():
    assert geography.find_place("Lima Metropolitana").ubigeo == geography.LIMA_METROPOLITANA == "1501"
    assert geography.place("150501").province_code != geography.LIMA_METROPOLITANA
    assert geography.place("150501").department_code == geography.LIMA_DEPARTMENT == "15"
    assert geography.find_department("Callao").ubigeo == geography.CALLAO == "07"


def test_iso_3166_2_codes():
    assert geography.iso_3166_2("150101") == "PE-LMA"
    assert geography.iso_3166_2("1505") == "PE-LIM"
    assert geography.iso_3166_2("08") == "PE-CUS"
    assert geography.iso_3166_2("07") == "PE-CAL"
    assert geography.iso_3166_2("17") == "PE-MDD"


def test_district_found_by_name_within_a_province():
    assert geography.find_place("Miraflores", within="1501").ubigeo == "150122"


def test_every_department_is_in_exactly_one_macro_region():
    from amparo.core.geography import MACRO_REGIONS, departments

    members = [code for codes in MACRO_REGIONS.values() for code in codes]
    assert sorted(members) == [p.ubigeo for p in departments()]
