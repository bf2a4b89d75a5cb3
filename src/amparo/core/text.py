"""Text folding shared by every matcher: case, accents and spacing never decide a match."""

import re
import unicodedata

_SPACES = re.compile(r"[\s_\-\.]+")


def fold(value: str) -> str:
    """Lower-case, strip accents and collapse spaces, hyphens, dots and underscores to one space."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", without_marks.casefold()).strip()
