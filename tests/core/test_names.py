"""Names as registrars write them differently: folded, tokenised, particles dropped, sound-alike keys; and the
terms a name search matches them by."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amparo.core.names import MIN_TYPO_LENGTH, index_terms, name_tokens, phonetic, query_words


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


# --- What a name search matches (index_terms of a name against query_words of a search) ---------------------


def _matches(search: str, given_names: str, surnames: str = "") -> bool:
    terms = index_terms(given_names, surnames)
    words = query_words(search)
    return bool(words) and all(word.close & terms for word in words)


@pytest.mark.parametrize(
    "search",
    [
        "María del Carmen Quispe Mamani",
        "maria carmen quispe mamani",
        "MARÍA QUISPE",  # one surname
        "Mamani María",  # the other surname, before the given name
        "Mamani Quispe",  # both surnames in the other order
        "quispemamani",  # run together
        "Carmen",
    ],
)
def test_accents_case_order_and_one_surname_do_not_matter(search):
    assert _matches(search, "María del Carmen", "Quispe Mamani")


@pytest.mark.parametrize(
    "search, written",
    [
        ("Quspe", "Quispe"),  # a letter missing
        ("Quisppe", "Quispe"),  # a letter too many
        ("Qiuspe", "Quispe"),  # two neighbours swapped
        ("Quispa", "Quispe"),  # a letter changed
        ("Guaman", "Huamán"),  # sounds the same
        ("Kispe", "Quispe"),
    ],
)
def test_one_typo_or_a_sound_alike_spelling_still_matches(search, written):
    assert _matches(search, "", written)


@pytest.mark.parametrize(
    "search, written",
    [
        ("Rosa", "Ríos"),  # two edits, at different places
        ("Quispe", "Mamani"),
        ("Ana", "Ada"),  # short words must be spelled right
        ("Maria Rosa", "María"),  # every word of the search must be in the name
        ("", "María"),
    ],
)
def test_other_names_do_not_match(search, written):
    assert not _matches(search, written)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def _word_and_typo(draw):
    """A word and the same word with one typo, made here (not by the code under test): a letter removed, added,
    changed or two neighbours swapped."""
    word = draw(st.text(_LETTERS, min_size=MIN_TYPO_LENGTH + 1, max_size=12))
    at = draw(st.integers(0, len(word) - 2))
    letter = draw(st.sampled_from(_LETTERS))
    typo = draw(
        st.sampled_from(
            [
                word[:at] + word[at + 1 :],
                word[:at] + letter + word[at:],
                word[:at] + letter + word[at + 1 :],
                word[:at] + word[at + 1] + word[at] + word[at + 2 :],
            ]
        )
    )
    return word, typo


@given(_word_and_typo())
def test_every_single_typo_of_a_long_word_matches_it_both_ways(pair):
    word, typo = pair
    assert _matches(typo, word) and _matches(word, typo)


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, by the textbook table."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


@given(st.text(_LETTERS, min_size=1, max_size=10), st.text(_LETTERS, min_size=1, max_size=10))
def test_words_three_edits_apart_that_sound_different_never_match(first, second):
    if _edits(first, second) >= 3 and phonetic(first) != phonetic(second):
        assert not _matches(first, second)
