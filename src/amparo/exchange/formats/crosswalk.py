"""How another standard's terms stand for Amparo's codes, checked against core.codelists when declared.

A format never writes a code of its own: each of its terms (a CTDC flag, a CTDC
gender, a coarse HTCDS relationship) names the codes of one codelist it is read
as and the codes that write it, and a code that is not in the codelist stops
Amparo from starting, instead of quarantining every row that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from amparo.core.codelists import Codelist

Codes = str | Iterable[str] | None


def _codes(codes: Codes) -> tuple[str, ...]:
    if codes is None:
        return ()
    return (codes,) if isinstance(codes, str) else tuple(codes)


class Crosswalk:
    """Terms -> codes of `codelist`.

    `reads`: the codes a term is imported as (None: no code says what the term
    says, so it is kept in the original row only, never guessed into a code).
    `writes`: for the terms that differ, the codes that write the term on export;
    every other term is written for the codes it reads as. `terms`: the codelist
    the terms themselves come from, when they are codes of another standard.
    """

    def __init__(
        self,
        codelist: Codelist,
        reads: Mapping[str, Codes],
        *,
        writes: Mapping[str, Codes] | None = None,
        terms: Codelist | None = None,
    ):
        self.codelist, self.terms = codelist, terms
        self.reads: dict[str, tuple[str, ...]] = {term: _codes(codes) for term, codes in reads.items()}
        self.writes: dict[str, frozenset[str]] = {term: frozenset(codes) for term, codes in self.reads.items()}
        for term, codes in (writes or {}).items():
            if term not in self.reads:
                raise ValueError(f"{term!r} is written but never read in a crosswalk to {codelist.name}")
            self.writes[term] = frozenset(_codes(codes))
        unknown = sorted(
            {code for codes in (*self.reads.values(), *self.writes.values()) for code in codes if code not in codelist}
        )
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not codes of {codelist.name}")
        if terms is not None and not set(self.reads) <= set(terms.values):
            raise ValueError(f"{', '.join(sorted(set(self.reads) - set(terms.values)))}: not codes of {terms.name}")

    def only(self, *terms: str) -> Crosswalk:
        """The same crosswalk for a file that has only some of the terms, in the order given."""
        return Crosswalk(
            self.codelist,
            {t: self.reads[t] for t in terms},
            writes={t: self.writes[t] for t in terms},
            terms=self.terms,
        )

    def code_of(self, term: str) -> str | None:
        """The one code a term is read as, None for a term that says no code."""
        codes = self.reads.get(term, ())
        return codes[0] if len(codes) == 1 else None

    def term_of(self) -> dict[str, str]:
        """code -> the term that writes it, for a single-valued field."""
        terms: dict[str, str] = {}
        for term, codes in self.writes.items():
            for code in codes:
                if terms.setdefault(code, term) != term:
                    raise ValueError(f"{code} writes both {terms[code]} and {term}")
        return terms
