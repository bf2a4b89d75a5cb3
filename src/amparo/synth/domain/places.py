"""Where synthetic victims live and where they are exploited, as real INEI district codes."""

import random
from functools import cache

from amparo.core import geography
from amparo.synth.domain import calibration


@cache
def _districts(department: str) -> tuple[str, ...]:
    return tuple(d.ubigeo for d in geography.districts() if d.ubigeo.startswith(department))


def any_district(rng: random.Random, department: str) -> str:
    return rng.choice(_districts(department))


def exploitation_district(rng: random.Random, department: str, avoid: str = "") -> str:
    """A hot spot most of the time, else any district of the department; never `avoid` (the victim's home)."""
    while True:
        if rng.random() < calibration.HOTSPOT_SHARE:
            district = rng.choice(calibration.HOTSPOTS[department])
        else:
            district = any_district(rng, department)
        if district != avoid:
            return district


def home_department(rng: random.Random, exploitation_department: str) -> str:
    """A Peruvian victim's home department, given where they were exploited."""
    origins = calibration.ORIGINS.get(exploitation_department)
    if origins:
        return rng.choices(list(origins), list(origins.values()))[0]
    if rng.random() < calibration.SAME_DEPARTMENT_SHARE:
        return exploitation_department
    weights = calibration.DEPARTMENT_WEIGHTS
    return rng.choices(list(weights), list(weights.values()))[0]


def capital_district(department: str) -> str:
    """The first district of the first province: the department capital in INEI's numbering."""
    return _districts(department)[0]
