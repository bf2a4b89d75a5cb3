"""The blind index of people's names: a person is found by name, with typos, while every name stays sealed.

Each term of a person's name (core.names.index_terms: each word folded, its phonetic key, the word with
each letter removed at its position, adjacent words run together) is stored as a keyed hash, NameToken:
HMAC-SHA-256 under a key derived for this purpose from the active key of the ring
(crypto.purpose_keys), cut to 64 bits. A search hashes the terms that match each word it was given
(core.names.query_words) and asks for the people who have one of them for every word.

What someone who has the database but not the key ring learns from the index:
- no name, nor any part of one: without the key, a list of Peruvian names cannot be hashed to test
  guesses, as it could against a plain hash;
- how many terms each person has, which grows with the length of their names (a word of n letters gives
  n + 2 terms);
- which people share a term: people with a surname in common (a family), a given name in common, or a
  spelling one letter apart. Counting equal tokens shows which are frequent, so an attacker holding
  tables of name frequencies may guess that the people with the most frequent token are called Quispe.
  That is the price of any index that finds equal values, and it tells least about the commonest names.
- not which tokens came from a given name or a surname, a whole word, a deletion or a phonetic key: all are
  one column, and each person's are written in the order of their values.
Rotating the keys (`amparo rotate_keys`) re-keys the whole index (index_rebuild), so a copy of the database
taken before cannot be matched token for token with one taken after.

The alternative without any of this leakage, decrypting every identity in the user's scope and matching in
memory, costs seconds per search on a large registry (docs/benchmarks.md).

Writes come only from the registry's writers (registry.services, registry.bulk), which call `names_index`
for every identity they store; searches only from the door to cases (registry.access).
"""

import hashlib
import hmac
import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from amparo.core import crypto
from amparo.core.dialects import table_of
from amparo.core.names import index_terms, query_words
from amparo.core.sql_bulk import in_chunks, insert_rows
from amparo.registry.models import NameToken, PersonIdentity

PURPOSE = "name-index"
TOKEN_BYTES = 8  # 64 bits: no two terms of a registry of millions of people share a token by chance
REBUILD_BATCH = 5000


def _token(key: bytes, term: str) -> int:
    digest = hmac.new(key, term.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:TOKEN_BYTES], "big", signed=True)


def name_tokens_of(given_names: str, surnames: str, key: bytes) -> list[int]:
    """The tokens of a name under one key, in the order of their values (which says nothing of the terms)."""
    return sorted({_token(key, term) for term in index_terms(given_names, surnames)})


def _active_key() -> bytes:
    return crypto.purpose_keys(PURPOSE)[0]


# --- Writes: only registry.services and registry.bulk call these ---------------------------------------


def names_index(names: Iterable[tuple[int, str, str]]) -> None:
    """Index (person id, given names, surnames) of people whose name is new or changed: their terms replace
    any they had. A person whose names are both empty is left with none."""
    names = list(names)
    names_forget([person_id for person_id, _given, _surnames in names])
    _insert(names)


def _insert(names: list[tuple[int, str, str]]) -> None:
    key = _active_key()
    people, tokens = [], []
    for person_id, given_names, surnames in names:
        found = name_tokens_of(given_names, surnames, key)
        people += [person_id] * len(found)
        tokens += found
    if tokens:
        insert_rows(NameToken, {"person_id": people, "token": tokens})


def names_forget(person_ids: list[int]) -> None:
    """Remove these people's terms."""
    if person_ids:
        in_chunks(f"DELETE FROM {table_of(NameToken)} WHERE person_id IN", list(person_ids))


def names_index_stored(person_ids: list[int]) -> None:
    """Index these people's names as stored (read back, opened by their fields): for writes that keep a
    stored name where the new one is empty."""
    names = [
        (person_id, given or "", surnames or "")
        for start in range(0, len(person_ids), REBUILD_BATCH)
        for person_id, given, surnames in PersonIdentity.objects.filter(
            person_id__in=person_ids[start : start + REBUILD_BATCH]
        ).values_list("person_id", "first_name", "second_name")
    ]
    names_index(names)


def index_rebuild(batch_size: int = REBUILD_BATCH) -> int:
    """Every stored name indexed again under the active key (after a key rotation); how many people have a
    name. The caller holds the transaction."""
    NameToken.objects.all().delete()
    named, last = 0, 0
    while True:
        batch = list(
            PersonIdentity.objects.filter(person_id__gt=last)
            .order_by("person_id")
            .values_list("person_id", "first_name", "second_name")[:batch_size]
        )
        if not batch:
            return named
        with_name = [(pk, given, surnames) for pk, given, surnames in batch if given or surnames]
        _insert(with_name)
        named += len(with_name)
        last = batch[-1][0]


# --- Searches: only registry.access calls these ---------------------------------------------------------


def _tokens(terms: Iterable[str], keys: tuple[bytes, ...]) -> list[int]:
    return sorted({_token(key, term) for term in terms for key in keys})


def people_named(text: str) -> Q | None:
    """The condition on Person selecting those whose name has, for every word of the text, a word within one
    typo of it or sounding like it (core.names.query_words); None when the text holds no name word.

    Every key of the ring is asked, so a name indexed by a process that had not yet seen a new key is found
    until the keys are rotated again."""
    words = query_words(text)
    if not words:
        return None
    keys = crypto.purpose_keys(PURPOSE)
    return reduce(
        operator.and_,
        (Q(pk__in=NameToken.objects.filter(token__in=_tokens(word.close, keys)).values("person_id")) for word in words),
    )


def name_closeness(text: str, person: str):
    """How many words of the text a person's name has exactly as written (0 to their number), as an
    expression on the rows whose field `person` is the person; None when the text holds no name word."""
    words = query_words(text)
    if not words:
        return None
    keys = crypto.purpose_keys(PURPOSE)
    exact = [
        Case(
            When(
                Exists(NameToken.objects.filter(person_id=OuterRef(person), token__in=_tokens([w.exact], keys))),
                then=Value(1),
            ),
            default=Value(0),
        )
        for w in words
    ]
    return reduce(operator.add, exact)
