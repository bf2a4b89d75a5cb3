"""Names as registrars write them differently: folded, tokenised, particles dropped, sound-alike keys."""

import pytest

from amparo.linkage.domain.names import name_tokens, phonetic


@pytest.mark.parametrize(
    "written", ["María del Carmen", "MARIA DEL CARMEN", "  maría   del  carmen ", "María-del-Carmen"]
)
def test_accents_case_spacing_and_particles_do_not_count(written):
    assert name_tokens(written) == ["maria", "carmen"]


def test_empty_and_missing_names_have_no_tokens():
    assert name_tokens("") == [] == name_tokens(None) == name_tokens(" de la ")


def test_surname_particles_are_dropped_but_the_surname_kept():
    assert name_tokens("de la Cruz Quispe") == ["cruz", "quispe"]


def test_punctuation_inside_a_name_is_dropped():
    assert name_tokens("D'Ángelo") == ["dangelo"]


@pytest.mark.parametrize(
    "spellings",
    [
        ("huaman", "guaman", "waman"),  # Quechua w written hu, gu or w
        ("quispe", "qispe", "kispe"),
        ("ccori", "kori", "qori"),
        ("vasquez", "basquez", "vazquez"),
        ("llanos", "yanos"),
        ("jhoselyn", "joselin", "joselyn"),
        ("gonzales", "gonzalez"),
        ("espinoza", "espinosa", "eespinoza"),
    ],
)
def test_sound_alike_spellings_share_a_phonetic_key(spellings):
    assert len({phonetic(s) for s in spellings}) == 1, {s: phonetic(s) for s in spellings}


@pytest.mark.parametrize(
    "different", [("quispe", "mamani"), ("rosa", "rocio"), ("maria", "mario"), ("choque", "chalco")]
)
def test_different_names_keep_different_keys(different):
    first, second = different
    assert phonetic(first) != phonetic(second)
