"""Synthetic perpetrators: who recruited and exploited the victim, and whether they shared a home.

A family-facilitated case has a relative as its main recruiter (so the case
file's one `recruiter_relationship` column carries the flag on its own), and
sometimes a partner or acquaintance from the household among the others; any
other case has no relative and nobody from the household, so the flag derived
by the registry is exactly the one the generator chose.
"""

import random

from amparo.core.codelists import RELATIVE_RELATIONSHIPS
from amparo.registry.records import PerpetratorRecord, PersonRecord
from amparo.synth.domain.draw import pick

PERPETRATOR_COUNT_SHARES = {1: 45, 2: 35, 3: 15, 4: 5}

# Main recruiter of a family-facilitated case: always a relative.
FAMILY_RECRUITER_SHARES = {
    "parent": 32,
    "uncle_aunt": 21,
    "other_relative": 17,
    "step_parent": 13,
    "sibling": 9,
    "grandparent": 5,
}
HOUSEHOLD_SHARE = {
    "parent": 0.85,
    "step_parent": 0.9,
    "sibling": 0.6,
    "grandparent": 0.5,
    "uncle_aunt": 0.25,
    "other_relative": 0.15,
}
# Accomplices of a family-facilitated case who live with the victim without being relatives.
HOUSEHOLD_ACCOMPLICE_SHARE = {"intimate_partner": 1.0, "friend_acquaintance": 0.2}
OTHER_RECRUITER_SHARES = {
    "friend_acquaintance": 40,
    "employer": 20,
    "intimate_partner": 15,
    "stranger": 15,
    "unknown": 10,
}
# Accomplices: the bar or mine owner who exploits, a transporter, ...; outside the household.
ACCOMPLICE_SHARES = {"employer": 40, "stranger": 25, "friend_acquaintance": 20, "unknown": 15}
FAMILY_ACCOMPLICE_SHARES = {**ACCOMPLICE_SHARES, "other_relative": 10, "uncle_aunt": 5, "intimate_partner": 5}
ACCOMPLICE_ROLES = (
    "Exploiter",
    "Transporter",
    "HarbouredIndividual",
    "ReceivedIndividual",
    "ControlledIndividual",
    "BoughtIndividual",
)
FEMININE_SHARE = {"parent": 0.6, "step_parent": 0.15, "intimate_partner": 0.05, "grandparent": 0.6, "uncle_aunt": 0.55}


def _person(rng: random.Random, relationship: str, victim_citizenship: str) -> PersonRecord:
    feminine = rng.random() < FEMININE_SHARE.get(relationship, 0.4)
    citizenship = (
        victim_citizenship
        if relationship in RELATIVE_RELATIONSHIPS
        else ("PE" if rng.random() < 0.9 else victim_citizenship)
    )
    return PersonRecord(gender="Feminine" if feminine else "Masculine", citizenship=citizenship)


def perpetrators(rng: random.Random, *, family: bool, victim_citizenship: str) -> list[PerpetratorRecord]:
    """The main recruiter first, then any accomplices."""
    count = pick(rng, PERPETRATOR_COUNT_SHARES)
    if family:
        relationship = pick(rng, FAMILY_RECRUITER_SHARES)
        in_household = rng.random() < HOUSEHOLD_SHARE[relationship]
        roles = ["RecruiterOrIntermediary"] + (["SoldIndividual"] if rng.random() < 0.2 else [])
    else:
        relationship = pick(rng, OTHER_RECRUITER_SHARES)
        in_household = False
        roles = ["RecruiterOrIntermediary"]
    people = [PerpetratorRecord(relationship, in_household, roles, _person(rng, relationship, victim_citizenship))]
    for _ in range(count - 1):
        relationship = pick(rng, FAMILY_ACCOMPLICE_SHARES if family else ACCOMPLICE_SHARES)
        if not family:
            in_household = False
        elif relationship in RELATIVE_RELATIONSHIPS:
            in_household = rng.random() < 0.2
        else:
            in_household = rng.random() < HOUSEHOLD_ACCOMPLICE_SHARE.get(relationship, 0)
        roles = rng.sample(ACCOMPLICE_ROLES, rng.choice((1, 1, 2)))
        people.append(
            PerpetratorRecord(relationship, in_household, roles, _person(rng, relationship, victim_citizenship))
        )
    return people
