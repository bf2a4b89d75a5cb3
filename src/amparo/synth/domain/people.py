"""Synthetic victims: sex, age when trafficked, names, identity number and birth date."""

import random
from datetime import date, timedelta

from amparo.registry.records import PersonRecord
from amparo.synth.domain import names
from amparo.synth.domain.draw import pick

# (lowest, highest) age when trafficked, and weight, by age group and kind of exploitation.
AGE_GROUPS = {"child": (6, 12), "adolescent": (13, 17), "adult": (18, 35)}
AGE_GROUP_SHARES = {
    "default": {"child": 14, "adolescent": 58, "adult": 28},
    "begging": {"child": 55, "adolescent": 35, "adult": 10},
    "mining": {"child": 5, "adolescent": 50, "adult": 45},
    "foreign": {"child": 2, "adolescent": 18, "adult": 80},
}
GENDER_SHARES = {
    "sexual": {"Feminine": 94, "Masculine": 3, "TransgenderFeminine": 2, "NonSpecifiedUnknown": 1},
    "servitude": {"Feminine": 86, "Masculine": 13, "NonSpecifiedUnknown": 1},
    "begging": {"Feminine": 50, "Masculine": 49, "NonSpecifiedUnknown": 1},
    "default": {"Feminine": 45, "Masculine": 54, "NonSpecifiedUnknown": 1},
}
DNI_SHARE = 0.92  # Peruvian victims whose DNI the source recorded
FOREIGN_DOCUMENT_SHARE = 0.5  # foreign victims with a carné de extranjería number


def age_when_trafficked(rng: random.Random, kind: str, citizenship: str) -> int:
    if citizenship != "PE":
        group = pick(rng, AGE_GROUP_SHARES["foreign"])
    else:
        group = pick(rng, AGE_GROUP_SHARES.get(kind, AGE_GROUP_SHARES["default"]))
    low, high = AGE_GROUPS[group]
    if group == "adult":  # young adults far more often than older ones
        return low + int((high - low + 1) * rng.random() ** 2)
    return rng.randint(low, high)


def gender(rng: random.Random, kind: str) -> str:
    return pick(rng, GENDER_SHARES.get(kind, GENDER_SHARES["default"]))


def birthdate_for(rng: random.Random, age: int, on: date) -> date:
    """A birth date that makes the person exactly `age` years old on `on`."""
    try:
        latest = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        latest = on.replace(year=on.year - age, day=28)
    return latest - timedelta(days=rng.randint(0, 364))


class IdentityNumbers:
    """Draws identity numbers never given twice in one generated registry."""

    def __init__(self):
        self._used: set[str] = set()

    def draw(self, rng: random.Random, digits: int, prefix: str = "") -> str:
        while True:
            number = prefix + str(rng.randrange(10 ** (digits - len(prefix) - 1), 10 ** (digits - len(prefix))))
            if number not in self._used:
                self._used.add(number)
                return number


def victim(
    rng: random.Random,
    *,
    kind: str,
    citizenship: str,
    home_department: str,
    recruited_on: date,
    identity_numbers: IdentityNumbers,
) -> tuple[PersonRecord, int]:
    """A victim and their age when trafficked (at recruitment)."""
    sex = gender(rng, kind)
    age = age_when_trafficked(rng, kind, citizenship)
    if citizenship == "PE":
        number = identity_numbers.draw(rng, 8) if rng.random() < DNI_SHARE else ""
    else:
        number = identity_numbers.draw(rng, 9, prefix="00") if rng.random() < FOREIGN_DOCUMENT_SHARE else ""
    person = PersonRecord(
        gender=sex,
        citizenship=citizenship,
        first_name=names.given_names(rng, sex, citizenship),
        second_name=names.full_surnames(rng, citizenship, home_department),
        birthdate=birthdate_for(rng, age, recruited_on),
        identity_number=number,
    )
    return person, age
