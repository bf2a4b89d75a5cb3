"""One header matcher for every format: spellings fold, and a column given twice refuses the whole file."""

import pytest

from amparo.exchange.domain.columns import SPELLINGS
from amparo.exchange.domain.headers import FormatError, HeaderSpellings
from amparo.exchange.models import ImportBatch
from amparo.exchange.services import ImportRefused, file_import
from amparo.registry.models import Case, Organisation


def test_case_accents_and_separators_never_decide_a_match():
    match = SPELLINGS.match(["ID", "Fecha de Registro", "SEXO", "Edad", "País Explotación", "notas"])
    assert match.columns == {
        "ID": "source_record_id",
        "Fecha de Registro": "registration_date",
        "SEXO": "prs_Gender",
        "Edad": "age",
        "País Explotación": "exploitation_country",
    }
    assert match.score == 5 / 6 and match.twins == ()


def test_a_spelling_that_would_name_two_columns_is_refused_when_the_format_is_declared():
    with pytest.raises(ValueError, match="'Fecha' would name both registration_date and exploitation_date"):
        HeaderSpellings({"registration_date": ("fecha",), "exploitation_date": ("Fecha",)})


def test_every_column_given_twice_is_named_with_the_column_both_give():
    match = SPELLINGS.match(["Age", "source_record_id", "registration_date", "age", "ID", "edad"])
    assert match.twins == (
        ("Age", "age", "age"),
        ("source_record_id", "ID", "source_record_id"),
        ("Age", "edad", "age"),
    )
    with pytest.raises(FormatError) as refused:
        match.checked(("source_record_id", "registration_date"), "Amparo case file")
    assert str(refused.value) == (
        "The header gives the same column more than once: Age and age (both age); source_record_id and ID (both "
        "source_record_id); Age and edad (both age). Each column may be given once: remove or rename one of each pair."
    )


AMPARO_ROW = "A-1,2024-03-01,F,15,14"
HTCDS_ROW = "H-1,H-1,2024-03-01,Feminine"
LEGACY = "yearOfRegistration,Datasource,gender,Gender,isForcedLabour\n2021,Hotline,Female,Male,1\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, format_name, twins",
    [
        ("source_record_id,registration_date,prs_Gender,Age,age\n" + AMPARO_ROW, "auto", ("Age", "age", "age")),
        ("source_record_id,registration_date,prs_Gender,age,edad\n" + AMPARO_ROW, "auto", ("age", "edad", "age")),
        (
            "id,registration_date,prs_Gender,age,source_record_id\n" + AMPARO_ROW,
            "amparo",
            ("id", "source_record_id", "source_record_id"),
        ),
        (
            "source_record_id,cas_CaseId,registration_date,prs_Gender\n" + HTCDS_ROW,
            "htcds",
            ("source_record_id", "cas_CaseId", "source_record_id"),
        ),
        (LEGACY, "auto", ("gender", "Gender", "gender")),
    ],
    ids=["case", "alias", "alias first", "htcds alias", "ctdc case"],
)
def test_a_file_that_gives_a_column_twice_is_refused_naming_both_and_nothing_is_stored(content, format_name, twins):
    source = Organisation.objects.create(name="ONG", org_type="NGO")
    with pytest.raises(ImportRefused) as refused:
        file_import(data=content.encode(), file_name="casos.csv", source=source, format_name=format_name)
    first, second, column = twins
    assert f"{first} and {second} (both {column})" in str(refused.value)
    assert "Each column may be given once" in str(refused.value)
    assert not ImportBatch.objects.exists() and not Case.objects.exists()
