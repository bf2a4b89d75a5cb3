"""Peruvian names as comparable keys: what a registrar may write differently for the same child.

Accents, case, spacing and punctuation never decide a match (core.text.fold).
Particles ("María del Carmen", "de la Cruz") are dropped, so a compound given
name shortened to one of its names still shares a token with the full one.
Surnames are kept as tokens, so two surnames in either order, only one of
them, or run together ("QUISPEMAMANI") can each be recognised. A Spanish and
Andean phonetic key (b/v, s/z/c, y/ll/i, j/g, hua/gua/wa, qu/k, silent h)
groups sound-alike spellings.

Two users: record linkage compares these keys across sources, and the name
search (registry.name_index) indexes each person's `index_terms` and looks up
a query's `query_words`, so both agree on what counts as the same name.
"""

import re
from dataclasses import dataclass

from amparo.core.text import fold

# Words that join names and carry no identity of their own.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "san", "vda", "viuda"})
_NOT_LETTERS = re.compile(r"[^a-z ]+")

# Applied in order to a folded token; each rewrites spellings that sound the same in Peruvian Spanish,
# Quechua or Aymara (Huamán, Guamán and Waman; Quispe and Qispe; Ccori and Kori).
_PHONETIC_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ch", "x"),
        (r"sh", "x"),
        (r"ll", "y"),
        (r"(?:hu|w)(?=[aeio])|gu(?=[ao])", "w"),
        (r"qu(?=[ei])", "k"),
        (r"gu(?=[ei])", "g"),
        (r"g(?=[ei])", "j"),
        (r"c(?=[ei])", "s"),
        (r"cc|ck|c|q|k", "k"),
        (r"z", "s"),
        (r"v", "b"),
        (r"ph", "f"),
        (r"h", ""),
        (r"y(?=[^aeiou]|$)", "i"),
        (r"(.)\1+", r"\1"),
    )
)


def name_tokens(text: str | None) -> list[str]:
    """The words of a name, folded, letters only, particles dropped: "María  del CARMEN" -> ["maria", "carmen"]."""
    if not text:
        return []
    words = _NOT_LETTERS.sub("", fold(text)).split()
    return [word for word in words if word not in PARTICLES]


def phonetic(token: str) -> str:
    """A key shared by spellings that sound alike: "Huamán", "Guaman" and "Waman" all give "waman"."""
    key = token
    for pattern, replacement in _PHONETIC_RULES:
        key = pattern.sub(replacement, key)
    return key


# Shorter words get no typo neighbourhood: one letter off a three-letter name is another name ("Ana", "Ada").
MIN_TYPO_LENGTH = 4
# A term is a kind and a text: the kinds keep a whole word, its deletions and its phonetic key apart.
WHOLE, SOUND = "w:", "p:"


def _deleted(word: str, position: int) -> str:
    """The term of the word with the letter at `position` removed; the position is part of the term, so that
    two words share one only when they differ at that one place."""
    return f"d{position}:{word[:position]}{word[position + 1 :]}"


def index_terms(given_names: str | None, surnames: str | None) -> set[str]:
    """What a person's name is found by: each word whole, its phonetic key and, for words of MIN_TYPO_LENGTH
    letters or more, the word with each one of its letters removed; and adjacent words run together ("Quispe
    Mamani" is also found as "quispemamani"). Given names and surnames give the same kinds of terms, so a
    search need not say which a word is, and the terms do not tell which they came from."""
    terms = set()
    for part in (given_names, surnames):
        words = name_tokens(part)
        for word in words:
            terms |= {WHOLE + word, SOUND + phonetic(word)}
            if len(word) >= MIN_TYPO_LENGTH:
                terms |= {_deleted(word, i) for i in range(len(word))}
        terms |= {WHOLE + first + second for first, second in zip(words, words[1:])}
    return terms


@dataclass(frozen=True)
class QueryWord:
    """One word of a name search: `exact` is the term of the word as written; `close` the terms of every name
    word within one typo of it (a letter missing, added or changed, or two neighbours swapped) or sounding
    like it."""

    exact: str
    close: frozenset[str]


def query_words(text: str | None) -> list[QueryWord]:
    """The words of a name search, each with the index_terms that match it; a name matches when each word
    matches one of its words, in any order.

    Deletions with their position: a letter missing from the query at position i makes the query word the
    name word's deletion at i (for some i up to the word's length); a letter too many makes the name word one
    of the query word's deletions; a letter changed at i leaves both words with the same deletion at i; two
    neighbours swapped at i and i+1 leave the query word's deletion at i equal to the name word's at i+1.
    Words shorter than MIN_TYPO_LENGTH must be spelled right, or sound alike.
    """
    words = []
    for word in name_tokens(text):
        close = {WHOLE + word, SOUND + phonetic(word)}
        if len(word) >= MIN_TYPO_LENGTH:
            close |= {f"d{i}:{word}" for i in range(len(word) + 1)}
            close |= {WHOLE + word[:i] + word[i + 1 :] for i in range(len(word))}
            close |= {_deleted(word, i) for i in range(len(word))}
            close |= {f"d{i + 1}:{word[:i]}{word[i + 1 :]}" for i in range(len(word) - 1)}
        words.append(QueryWord(WHOLE + word, frozenset(close)))
    return words
