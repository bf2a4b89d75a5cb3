"""The synthetic registry of Peru: calibrated, deterministic case records.

Each year is drawn from its own random stream (seed and year), so the cases of
2010 are the same whether one year or sixteen are generated. Within a year the
generator first lays out every case's department and kind of exploitation,
then decides which cases are family-facilitated by exact quotas (so the 2010
figures hold exactly), then fills in people, places, dates and codes.
"""

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from amparo.registry.records import CaseRecord, EventRecord
from amparo.synth.domain import calibration, codes, places
from amparo.synth.domain.draw import pick
from amparo.synth.domain.people import IdentityNumbers, victim
from amparo.synth.domain.perpetrators import perpetrators

DEFAULT_SEED = 2010
YEARS_PATTERN = re.compile(r"^\s*(?P<first>\d{4})(?:-(?P<last>\d{4}))?\s*$")
MAX_SCALE = 100  # about 1.4 million cases: enough for any benchmark on one machine
YEARS_EXPECTED = f"FIRST-LAST (or one year) with {calibration.FIRST_YEAR} <= FIRST <= LAST <= {calibration.LAST_YEAR}, e.g. 2010-2025"
SCALE_EXPECTED = f"a number greater than 0 and at most {MAX_SCALE}, e.g. 1 or 2.5"


class InvalidOptions(ValueError):
    """An option the generator cannot honour: which option, its value and what was expected."""

    def __init__(self, option: str, value: object, expected: str):
        self.option, self.value, self.expected = option, value, expected
        super().__init__(f"{option} {value!r}: expected {expected}")


@dataclass(frozen=True)
class SynthOptions:
    seed: int = DEFAULT_SEED
    first_year: int = calibration.FIRST_YEAR
    last_year: int = calibration.LAST_YEAR
    scale: float = 1.0

    def __post_init__(self):
        if not calibration.FIRST_YEAR <= self.first_year <= self.last_year <= calibration.LAST_YEAR:
            raise InvalidOptions("years", f"{self.first_year}-{self.last_year}", YEARS_EXPECTED)
        if not 0 < self.scale <= MAX_SCALE:
            raise InvalidOptions("scale", self.scale, SCALE_EXPECTED)

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


@dataclass
class SyntheticCase:
    """A generated case, with what the registry does not store: its primary source and the true person."""

    record: CaseRecord
    year: int
    source: str
    person_key: str


def cases_in_year(year: int, scale: float) -> int:
    if year == calibration.CALIBRATED_YEAR:
        return calibration.CASES_PER_YEAR[year]
    return max(1, round(calibration.CASES_PER_YEAR[year] * scale))


def _layout(rng: random.Random, year: int, scale: float) -> list[tuple[str, str, bool]]:
    """(department, kind of exploitation, family-facilitated) of every case of a year."""
    if year == calibration.CALIBRATED_YEAR:
        departments = [d for d, n in calibration.DEPARTMENT_CASES_2010.items() for _ in range(n)]
    else:
        weights = calibration.DEPARTMENT_WEIGHTS
        departments = rng.choices(list(weights), list(weights.values()), k=cases_in_year(year, scale))
    rng.shuffle(departments)
    kinds = [pick(rng, calibration.EXPLOITATION_PROFILES[calibration.region_of(d)]) for d in departments]

    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (department, kind) in enumerate(zip(departments, kinds)):
        whole_department = year == calibration.CALIBRATED_YEAR and department == calibration.LIMA
        groups[(department,) if whole_department else (department, kind)].append(i)
    family = [False] * len(departments)
    for key, members in groups.items():
        if len(key) == 1:
            quota = calibration.LIMA_FAMILY_FACILITATED_2010
        else:
            quota = round(calibration.family_rate(key[0], key[1], year) * len(members))
        for i in rng.sample(members, quota):
            family[i] = True
    return list(zip(departments, kinds, family))


def _random_day(rng: random.Random, year: int) -> date:
    first = date(year, 1, 1)
    return first + timedelta(days=rng.randrange((date(year + 1, 1, 1) - first).days))


def _case(
    rng: random.Random, year: int, department: str, kind: str, family: bool, identity_numbers: IdentityNumbers
) -> SyntheticCase:
    registered = _random_day(rng, year)
    exploited = registered - timedelta(days=rng.randint(5, 300))
    recruited = exploited - timedelta(days=rng.randint(1, 45))
    citizenship = pick(rng, calibration.citizenship_shares(year))

    events = []
    if citizenship == "PE":
        home_department = places.home_department(rng, department)
        home = places.any_district(rng, home_department)
        events.append(EventRecord("Recruitment", home, "PE", recruited))
        if home_department != department and rng.random() < 0.6:
            transit = recruited + timedelta(days=rng.randint(0, (exploited - recruited).days))
            events.append(EventRecord("Transit", places.capital_district(home_department), "PE", transit))
    else:
        home_department, home = "", ""
        events.append(EventRecord("Recruitment", "", citizenship, recruited))
        crossing = calibration.BORDER_CROSSING[citizenship]
        events.append(EventRecord("Transit", crossing, "PE", recruited + timedelta(days=rng.randint(1, 10))))
        if events[-1].date > exploited:
            events[-1].date = exploited
    events.append(
        EventRecord("Exploitation", places.exploitation_district(rng, department, avoid=home), "PE", exploited)
    )

    person, age = victim(
        rng,
        kind=kind,
        citizenship=citizenship,
        home_department=home_department or department,
        recruited_on=recruited,
        identity_numbers=identity_numbers,
    )
    people = perpetrators(rng, family=family, victim_citizenship=citizenship)
    source = pick(rng, calibration.SOURCE_SHARES)
    network_group = "family" if family else ("foreign" if citizenship != "PE" else "other")
    record = CaseRecord(
        source_record_id="",
        registration_date=registered,
        victim=person,
        age_when_trafficked=age,
        organised_network=pick(rng, calibration.ORGANISED_NETWORK_SHARES[network_group]),
        perpetrators=people,
        events=events,
    )
    codes.fill(rng, record, kind=kind, region=calibration.region_of(department), source=source, year=year)
    return SyntheticCase(record=record, year=year, source=source, person_key="")


def generate(options: SynthOptions = SynthOptions()) -> list[SyntheticCase]:
    """Every synthetic case of the requested years, ordered by year then registration date."""
    identity_numbers = IdentityNumbers()
    cases: list[SyntheticCase] = []
    for year in options.years:
        rng = random.Random(f"amparo-synth:{options.seed}:{year}")
        year_cases = [
            _case(rng, year, department, kind, family, identity_numbers)
            for department, kind, family in _layout(rng, year, options.scale)
        ]
        year_cases.sort(key=lambda c: c.record.registration_date)
        for number, case in enumerate(year_cases, start=1):
            case.record.source_record_id = f"SYN-{year}-{number:05d}"
            case.person_key = f"SYNP-{year}-{number:05d}"
        cases.extend(year_cases)
    return cases


def parse_years(text: str) -> tuple[int, int]:
    """'2010-2025' or '2015' -> (first, last)."""
    match = YEARS_PATTERN.match(str(text))
    if not match:
        raise InvalidOptions("years", text, YEARS_EXPECTED)
    first = int(match["first"])
    last = int(match["last"] or first)
    SynthOptions(first_year=first, last_year=last)
    return first, last


def parse_scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise InvalidOptions("scale", text, SCALE_EXPECTED) from None
    SynthOptions(scale=scale)
    return scale
