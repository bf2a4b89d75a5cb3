"""Name pools: Peruvian naming with Quechua and Spanish surnames, no duplicates."""

import random

from amparo.synth.domain import names

POOLS = {k: v for k, v in vars(names).items() if k.isupper() and isinstance(v, tuple)}


def test_pools_have_no_duplicates():
    for name, pool in POOLS.items():
        assert len(pool) == len(set(pool)), name


def test_andean_pool_has_common_quechua_surnames():
    assert {"Quispe", "Mamani", "Huamán", "Condori", "Ccori"} <= set(names.ANDEAN_SURNAMES)


def test_peruvians_get_two_surnames_and_one_or_two_given_names():
    rng = random.Random(3)
    for _ in range(200):
        assert len(names.full_surnames(rng, "PE", "08").split()) == 2
        assert 1 <= len(names.given_names(rng, "Feminine", "PE").split()) <= 2


def test_surnames_in_the_southern_andes_are_mostly_quechua_or_aymara():
    rng = random.Random(4)
    drawn = [names.surname(rng, "PE", "21") for _ in range(1000)]
    andean = sum(s in names.ANDEAN_SURNAMES for s in drawn)
    assert andean > 500
