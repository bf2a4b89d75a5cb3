"""The same victims as several sources report them: police, prosecutors, an NGO, the hotline.

Each source reports a share of the victims, with its own identifiers, a few
days' delay and the slips real registries make (typos, swapped surnames,
missing DNI, a birth date off by a day or a month, accents dropped, names in
capitals); now and then a source registers the same victim twice. Every
report keeps the true person's key, so record linkage can be scored against
the truth. The primary registry is not touched.
"""

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

from amparo.registry.records import PersonRecord
from amparo.synth.domain.generator import InvalidOptions, SyntheticCase

SOURCE_PREFIX = {"police": "PNP", "prosecutor": "MP", "ngo": "ONG", "hotline": "LINEA"}
# Chance that a source reports a given victim.
COVERAGE = {"police": 0.7, "prosecutor": 0.55, "ngo": 0.3, "hotline": 0.2}
# Chance of each slip, by source; police write names in capitals, the hotline rarely gets documents.
SLIP_RATES = {
    "police": {
        "upper_case": 0.6,
        "accents_dropped": 0.5,
        "typo_first_name": 0.06,
        "typo_surname": 0.08,
        "swapped_surnames": 0.05,
        "missing_dni": 0.08,
        "dni_digit": 0.04,
        "birthdate_day": 0.05,
        "birthdate_month": 0.04,
    },
    "prosecutor": {
        "upper_case": 0.2,
        "accents_dropped": 0.3,
        "typo_first_name": 0.04,
        "typo_surname": 0.05,
        "swapped_surnames": 0.03,
        "missing_dni": 0.05,
        "dni_digit": 0.02,
        "birthdate_day": 0.03,
        "birthdate_month": 0.02,
    },
    "ngo": {
        "accents_dropped": 0.2,
        "typo_first_name": 0.08,
        "typo_surname": 0.1,
        "swapped_surnames": 0.08,
        "second_given_name_dropped": 0.25,
        "missing_dni": 0.3,
        "dni_digit": 0.05,
        "birthdate_day": 0.08,
        "birthdate_month": 0.06,
        "missing_birthdate": 0.1,
    },
    "hotline": {
        "accents_dropped": 0.4,
        "typo_first_name": 0.12,
        "typo_surname": 0.15,
        "swapped_surnames": 0.05,
        "second_given_name_dropped": 0.4,
        "missing_dni": 0.6,
        "dni_digit": 0.05,
        "birthdate_day": 0.05,
        "birthdate_month": 0.05,
        "missing_birthdate": 0.4,
    },
}
# Chance that a source registers the same victim twice (another office, another complaint).
DUPLICATE_RATE = {"police": 0.04, "prosecutor": 0.02, "ngo": 0.01, "hotline": 0.05}
REGISTRATION_DELAY_DAYS = {"police": 10, "prosecutor": 45, "ngo": 60, "hotline": 5}
SOUND_ALIKE = {
    "b": "v",
    "v": "b",
    "s": "z",
    "z": "s",
    "c": "s",
    "y": "i",
    "i": "y",
    "h": "",
    "ll": "y",
    "j": "g",
    "g": "j",
}


@dataclass
class SourceReport:
    """One source's record of a victim, and the truth about it."""

    source: str
    case: SyntheticCase
    primary_source_record_id: str
    slips: list[str]


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _typo(rng: random.Random, text: str) -> str:
    """One keying slip: a sound-alike letter, a letter dropped, doubled or swapped with its neighbour."""
    for _ in range(10):
        i = rng.randrange(len(text))
        operation = rng.choice(("sound", "drop", "double", "swap"))
        lower = text[i].lower()
        if operation == "sound" and lower in SOUND_ALIKE:
            replacement = SOUND_ALIKE[lower]
            candidate = text[:i] + (replacement.upper() if text[i].isupper() else replacement) + text[i + 1 :]
        elif operation == "drop" and text[i] != " ":
            candidate = text[:i] + text[i + 1 :]
        elif operation == "double" and text[i].isalpha():
            candidate = text[: i + 1] + text[i] + text[i + 1 :]
        elif operation == "swap" and i + 1 < len(text) and text[i + 1].isalpha() and text[i].isalpha():
            candidate = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        else:
            continue
        if candidate.strip() and candidate != text:
            return candidate
    return text


def _shift_month(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate_day)
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def _wrong_digit(rng: random.Random, number: str) -> str:
    i = rng.randrange(len(number))
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    return number[:i] + digit + number[i + 1 :]


def _slip(rng: random.Random, slip: str, person: PersonRecord) -> PersonRecord:
    if slip == "upper_case":
        return replace(person, first_name=person.first_name.upper(), second_name=person.second_name.upper())
    if slip == "accents_dropped":
        return replace(
            person, first_name=_strip_accents(person.first_name), second_name=_strip_accents(person.second_name)
        )
    if slip == "typo_first_name":
        return replace(person, first_name=_typo(rng, person.first_name))
    if slip == "typo_surname":
        return replace(person, second_name=_typo(rng, person.second_name))
    if slip == "swapped_surnames":
        return replace(person, second_name=" ".join(reversed(person.second_name.split(" "))))
    if slip == "second_given_name_dropped":
        return replace(person, first_name=person.first_name.split(" ")[0])
    if slip == "missing_dni":
        return replace(person, identity_number="")
    if slip == "dni_digit" and person.identity_number:
        return replace(person, identity_number=_wrong_digit(rng, person.identity_number))
    if slip == "birthdate_day" and person.birthdate:
        return replace(person, birthdate=person.birthdate + timedelta(days=rng.choice((-1, 1))))
    if slip == "birthdate_month" and person.birthdate:
        return replace(person, birthdate=_shift_month(person.birthdate, rng.choice((-1, 1))))
    if slip == "missing_birthdate":
        return replace(person, birthdate=None)
    return person


def _reported(rng: random.Random, source: str, case: SyntheticCase) -> tuple[SyntheticCase, list[str]]:
    person, slips = case.record.victim, []
    for slip, rate in SLIP_RATES[source].items():
        if rng.random() < rate:
            changed = _slip(rng, slip, person)
            if changed != person:
                person = changed
                slips.append(slip)
    registered = case.record.registration_date + timedelta(days=rng.randint(0, REGISTRATION_DELAY_DAYS[source]))
    registered = min(registered, date(case.year, 12, 31))
    record = replace(case.record, victim=person, registration_date=registered)
    return replace(case, record=record, source=source), slips


def reports(cases: list[SyntheticCase], sources: list[str], seed: int) -> list[SourceReport]:
    """Every source's reports of the victims of `cases`; each victim is reported at least once."""
    unknown = [s for s in sources if s not in SOURCE_PREFIX]
    if unknown:
        raise InvalidOptions("sources", unknown[0], "some of " + ", ".join(SOURCE_PREFIX))
    numbers: dict[tuple[str, int], int] = {}
    emitted = []
    for case in cases:
        rng = random.Random(f"amparo-synth-sources:{seed}:{case.person_key}")
        chosen = [s for s in sources if rng.random() < COVERAGE[s]]
        if not chosen:
            chosen = [case.source if case.source in sources else rng.choice(sources)]
        chosen += [s for s in chosen if rng.random() < DUPLICATE_RATE[s]]
        for source in chosen:
            reported, slips = _reported(rng, source, case)
            key = (source, case.year)
            numbers[key] = numbers.get(key, 0) + 1
            reported.record.source_record_id = f"SYN-{SOURCE_PREFIX[source]}-{case.year}-{numbers[key]:05d}"
            emitted.append(SourceReport(source, reported, case.record.source_record_id, slips))
    return emitted
