"""Peruvian names as comparable keys: what a registrar may write differently for the same child.

Accents, case, spacing and punctuation never decide a match (core.text.fold).
Particles ("María del Carmen", "de la Cruz") are dropped, so a compound given
name shortened to one of its names still shares a token with the full one.
Surnames are kept as tokens, so two surnames in either order, only one of
them, or run together ("QUISPEMAMANI") can each be recognised. A Spanish and
Andean phonetic key (b/v, s/z/c, y/ll/i, j/g, hua/gua/wa, qu/k, silent h)
groups sound-alike spellings for blocking.
"""

import re

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
