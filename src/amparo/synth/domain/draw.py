"""Random draws by shares (weights that need not add up to 100)."""

import random


def pick(rng: random.Random, shares: dict):
    return rng.choices(list(shares), list(shares.values()))[0]


def pick_several(rng: random.Random, shares: dict[str, float], k: int) -> list[str]:
    """k different values, each drawn by its share among those not drawn yet."""
    remaining = dict(shares)
    drawn = []
    for _ in range(min(k, len(remaining))):
        value = pick(rng, remaining)
        drawn.append(value)
        del remaining[value]
    return drawn
