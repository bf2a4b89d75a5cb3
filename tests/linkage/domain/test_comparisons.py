"""Each way Peruvian registries write one child differently lands in the level made for it, as evidence
for a match; what tells two children apart counts against one."""

from datetime import date

import pytest

from amparo.linkage.domain import engine
from amparo.linkage.domain.records import records_frame

BASE = {
    "source": "police",
    "given_names": "María del Carmen",
    "surnames": "Quispe Mamani",
    "birth_date": date(2008, 7, 9),
    "identity_number": "73918264",
    "sex": "Feminine",
    "age": 15,
    "registration_date": date(2024, 5, 6),
    "department": "15",
}


def _score(model, left: dict, right: dict) -> dict:
    pair = engine.score_pairs(
        records_frame([dict(BASE, unique_id=1, **left)]), records_frame([dict(BASE, unique_id=2, **right)]), model=model
    )
    assert pair.height == 1
    return pair.row(0, named=True)


def _level(model, comparison: str, scored: dict) -> str:
    return engine.level_labels(model)[comparison][scored[f"gamma_{comparison}"]]


@pytest.mark.parametrize(
    "comparison, left, right, level",
    [
        ("given_names", {"given_names": "MARÍA  DEL CARMEN"}, {"given_names": "maria del carmen"}, "same given names"),
        ("given_names", {}, {"given_names": "Carmen"}, "one name of a compound given name"),
        ("given_names", {}, {"given_names": "Maria"}, "one name of a compound given name"),
        (
            "given_names",
            {"given_names": "Jhoselyn"},
            {"given_names": "Joselin"},
            "given names alike (typo, sound-alike spelling)",
        ),
        (
            "given_names",
            {"given_names": "Milagros"},
            {"given_names": "Milagors"},
            "given names alike (typo, sound-alike spelling)",
        ),
        ("surnames", {"surnames": "QUISPE MAMANI"}, {"surnames": "Quispe  Mamaní"}, "same surnames"),
        ("surnames", {}, {"surnames": "Mamani Quispe"}, "same surnames, swapped or run together"),
        ("surnames", {}, {"surnames": "QUISPEMAMANI"}, "same surnames, swapped or run together"),
        ("surnames", {}, {"surnames": "Qispe Mamani"}, "surnames alike (typo, sound-alike spelling)"),
        (
            "surnames",
            {"surnames": "Huamán Ccori"},
            {"surnames": "Guaman Kori"},
            "surnames alike (typo, sound-alike spelling)",
        ),
        ("surnames", {}, {"surnames": "Quispe"}, "only one of the two surnames"),
        ("surnames", {}, {"surnames": "Mamani"}, "only one of the two surnames"),
        ("birth_date", {}, {"birth_date": date(2008, 9, 7)}, "day and month swapped"),
        ("birth_date", {}, {"birth_date": date(2007, 7, 9)}, "one of day, month or year differs"),
        ("birth_date", {}, {"birth_date": date(2008, 7, 10)}, "one of day, month or year differs"),
        ("birth_date", {}, {"birth_date": date(2008, 8, 9)}, "one of day, month or year differs"),
        # Born 2008-07-09, 15 when trafficked and registered in 2024: the age implies 2007-2009.
        ("birth_date", {}, {"birth_date": None}, "birth years implied by the age agree"),
        # Surnames first, as Peruvian forms ask for them, written in the given names' place.
        (
            "given_names",
            {},
            {"given_names": "Quispe Mamani", "surnames": "María del Carmen"},
            "given names and surnames swapped",
        ),
        ("surnames", {}, {"given_names": "Quispe", "surnames": "María"}, "given names and surnames swapped"),
        ("identity_number", {}, {"identity_number": "73918265"}, "one digit differs"),
        ("identity_number", {}, {"identity_number": "37918264"}, "one digit differs"),
        ("identity_number", {}, {"identity_number": " 7391-8264 "}, "same identity number"),
    ],
)
def test_a_registry_slip_is_evidence_for_a_match(trained_model, comparison, left, right, level):
    scored = _score(trained_model, left, right)
    assert _level(trained_model, comparison, scored) == level
    assert scored[f"mw_{comparison}"] > 0


@pytest.mark.parametrize(
    "comparison, right, level",
    [
        ("given_names", {"given_names": "Rosa"}, "different given names"),
        ("surnames", {"surnames": "Huamán Condori"}, "different surnames"),
        ("birth_date", {"birth_date": date(2001, 2, 3)}, "different birth dates"),
        ("birth_date", {"birth_date": None, "age": 30}, "different birth dates"),
        ("identity_number", {"identity_number": "41526378"}, "different identity numbers"),
    ],
)
def test_what_tells_two_children_apart_counts_against_a_match(trained_model, comparison, right, level):
    scored = _score(trained_model, {}, right)
    assert _level(trained_model, comparison, scored) == level
    assert scored[f"mw_{comparison}"] < 0


@pytest.mark.parametrize("right", [{"identity_number": ""}, {"identity_number": "00000000"}, {"identity_number": "12"}])
def test_a_missing_or_placeholder_identity_number_is_no_evidence(trained_model, right):
    scored = _score(trained_model, {}, right)
    assert scored["gamma_identity_number"] == engine.NULL_LEVEL
    assert scored["mw_identity_number"] == 0


def test_no_birth_date_and_no_age_is_no_evidence(trained_model):
    scored = _score(trained_model, {}, {"birth_date": None, "age": None})
    assert scored["gamma_birth_date"] == engine.NULL_LEVEL


def test_a_department_of_origin_instead_of_exploitation_weighs_little(trained_model):
    scored = _score(trained_model, {}, {"department": "08"})
    assert -3 < scored["mw_department"] < 0


def test_a_rare_surname_shared_weighs_more_than_a_common_one(trained_model):
    """Term frequencies: thirty different girls named Quispe Mamani, one named Tapullima Shapiama."""
    namesakes = [
        dict(
            BASE,
            unique_id=100 + i,
            given_names=f"Namesake{i}",
            identity_number="",
            birth_date=date(1990 + i % 20, 1 + i % 12, 1 + i % 28),
        )
        for i in range(30)
    ]
    rare = dict(BASE, surnames="Tapullima Shapiama", identity_number="")
    left = records_frame([dict(BASE, unique_id=1, identity_number=""), dict(rare, unique_id=3)])
    right = records_frame([dict(BASE, unique_id=2, identity_number=""), dict(rare, unique_id=4), *namesakes])
    pairs = engine.score_pairs(left, right, model=trained_model)
    weight = {
        (row["unique_id_l"], row["unique_id_r"]): row["mw_surnames"] + row["mw_tf_adj_surnames"]
        for row in pairs.iter_rows(named=True)
    }
    assert weight[(3, 4)] > weight[(1, 2)] + 2


def test_every_slip_pair_above_is_found_by_the_blocking_rules(trained_model):
    """Blocking keeps the pairs a slip makes, as long as one other field agrees."""
    slips = [
        {"given_names": "Carmen"},
        {"surnames": "Mamani Quispe"},
        {"surnames": "QUISPEMAMANI", "identity_number": ""},
        {"surnames": "Quispe", "identity_number": ""},
        {"given_names": "Maria", "birth_date": None, "identity_number": ""},
        {"given_names": "Quispe Mamani", "surnames": "Maria del Carmen", "identity_number": "", "age": 16},
        # Typos in every name, another age, two digits of the DNI swapped: only the birth date is the same.
        {"given_names": "Mraia del Carmen", "surnames": "Quipse Mamnai", "identity_number": "37918264", "age": 16},
    ]
    for right in slips:
        assert _score(trained_model, {}, right)["found_by_blocking"], right
