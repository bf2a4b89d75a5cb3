"""Plain records of a case as it enters the registry, their validation and their derived fields.

No Django here: importers, forms, the synthetic generator and the API build
these records; registry.services stores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import get_type_hints

import pycountry

from amparo.core import codelists, geography

# The Case model's column is this long; a longer identifier is refused, not cut, so no two collapse into one.
SOURCE_RECORD_ID_LENGTH = 100
# No registry of trafficking cases is older (the Palermo Protocol is of 2000): an earlier registration date is
# a placeholder or a typing error (0001-01-01, 1800-01-01) that would be counted in a year nobody registered.
EARLIEST_REGISTRATION = date(1990, 1, 1)
OLDEST_AGE = 120


def earliest_life_date(today: date) -> date:
    """No one living was born, nor lived an event, before this day: bounds birth and event dates."""
    return date(today.year - OLDEST_AGE, 1, 1)


@dataclass
class PersonRecord:
    gender: str = ""
    citizenship: str = ""  # ISO alpha-2
    first_name: str = ""
    second_name: str = ""
    birthdate: date | None = None
    identity_number: str = ""


@dataclass
class PerpetratorRecord:
    relationship: str = "unknown"
    lives_in_household: bool = False
    roles: list[str] = field(default_factory=list)
    person: PersonRecord | None = None


@dataclass
class EventRecord:
    event_type: str
    ubigeo: str = ""
    country: str = "PE"
    date: date | None = None
    description: str = ""


@dataclass
class CaseRecord:
    source_record_id: str
    registration_date: date
    victim: PersonRecord = field(default_factory=PersonRecord)
    status: str = "Active"
    trafficking_status: str = "PossibleVictimOfTrafficking"
    trafficking_status_decision_org: str = ""
    forced_labour_industry: str = ""
    age_when_trafficked: int | None = None
    organised_network: str = "unknown"
    legal_article: str = ""
    exploitation_types: list[str] = field(default_factory=list)
    control_methods: list[str] = field(default_factory=list)
    recruitment_methods: list[str] = field(default_factory=list)
    sex_exploitation_types: list[str] = field(default_factory=list)
    perpetrators: list[PerpetratorRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)


def _plain_fields(record_type: type) -> tuple[str, ...]:
    """The fields of a record type that hold one plain value (text, a date, a number), in their order."""
    hints = get_type_hints(record_type)
    return tuple(f.name for f in fields(record_type) if hints[f.name] in (str, date, int | None, date | None))


# A case's own values: each is the Case model's column of the same name (tests hold the model to it), so
# every writer and reader of a case maps them by name from this one list.
CASE_SCALARS: tuple[str, ...] = _plain_fields(CaseRecord)
# A case's multi-valued fields: the HTCDS field its codes are stored under (CaseCode.field), the record's list
# of them, and their codelist.
CODE_LISTS: tuple[tuple[str, str, codelists.Codelist], ...] = (
    ("vic_TypeOfExploitation", "exploitation_types", codelists.EXPLOITATION_TYPE),
    ("vic_MethodsOfControl", "control_methods", codelists.METHODS_OF_CONTROL),
    ("vic_MethodOfRecruitment", "recruitment_methods", codelists.RECRUITMENT_METHOD),
    ("vic_TypeOfSexExploitation", "sex_exploitation_types", codelists.SEX_EXPLOITATION_TYPE),
)


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with a record: which field, which value, what was expected."""

    field: str
    value: object
    expected: str

    def __str__(self):
        return f"{self.field}={self.value!r}: expected {self.expected}"


def _is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def validate_case(record: CaseRecord, *, today: date) -> list[FieldProblem]:
    """Every problem of a case record; an empty list means it can be stored as it is. `today` is the date
    where Amparo works (settings.TIME_ZONE), which a registration may not be after."""
    problems: list[FieldProblem] = []

    def check_code(name: str, value: str, codelist: codelists.Codelist, required: bool = False):
        problems.extend(_code_problems(name, value, codelist, required))

    if not record.source_record_id or not str(record.source_record_id).strip():
        problems.append(FieldProblem("source_record_id", record.source_record_id, "a non-empty identifier"))
    elif len(str(record.source_record_id)) > SOURCE_RECORD_ID_LENGTH:
        problems.append(
            FieldProblem("source_record_id", record.source_record_id, f"at most {SOURCE_RECORD_ID_LENGTH} characters")
        )
    if not isinstance(record.registration_date, date) or not (
        EARLIEST_REGISTRATION <= record.registration_date <= today
    ):
        problems.append(
            FieldProblem(
                "registration_date",
                record.registration_date,
                f"a date from {EARLIEST_REGISTRATION.isoformat()} to today",
            )
        )
    problems += _person_problems(record.victim, "prs_", today)
    check_code("cas_Status", record.status, codelists.CASE_STATUS, required=True)
    check_code("vic_TraffickingStatus", record.trafficking_status, codelists.TRAFFICKING_STATUS, required=True)
    check_code(
        "vic_TraffickingStatusDecisionMakingOrg",
        record.trafficking_status_decision_org,
        codelists.TRAFFICKING_STATUS_DECISION_ORG,
    )
    check_code("vic_ForcedLabourIndustry", record.forced_labour_industry, codelists.FORCED_LABOUR_INDUSTRY)
    check_code("organised_network", record.organised_network, codelists.ORGANISED_NETWORK, required=True)
    check_code("legal_article", record.legal_article, codelists.LEGAL_ARTICLE)
    age = record.age_when_trafficked
    if age is not None and not (0 <= age <= OLDEST_AGE):
        problems.append(FieldProblem("vic_AgeWhenTrafficked", age, f"a whole number of years from 0 to {OLDEST_AGE}"))
    for name, attribute, codelist in CODE_LISTS:
        for value in getattr(record, attribute):
            check_code(name, value, codelist, required=True)
    for perpetrator in record.perpetrators:
        check_code("recruiter_relationship", perpetrator.relationship, codelists.RECRUITER_RELATIONSHIP, required=True)
        if perpetrator.person is not None:
            problems += _person_problems(perpetrator.person, "perpetrator_prs_", today)
        for role in perpetrator.roles:
            check_code("per_RoleInProcess", role, codelists.ROLE_IN_PROCESS, required=True)
    for event in record.events:
        check_code("hte_Type", event.event_type, codelists.EVENT_TYPE, required=True)
        if event.date is not None and not (earliest_life_date(today) <= event.date <= today):
            problems.append(
                FieldProblem("hte_Date", event.date, f"a date from {earliest_life_date(today).isoformat()} to today")
            )
        if event.ubigeo:
            try:
                geography.normalise_ubigeo(event.ubigeo)
            except geography.UnknownPlace:
                problems.append(FieldProblem("ubigeo", event.ubigeo, "an INEI ubigeo code of 2, 4 or 6 digits"))
            if event.country != "PE":
                problems.append(FieldProblem("hte_Country", event.country, "PE when an ubigeo is given"))
        elif not _is_country(event.country):
            problems.append(FieldProblem("hte_Country", event.country, "an ISO 3166-1 alpha-2 country code"))
    return problems


# Which event says where a case happened: the lowest rank, then the most precise place (bulk imports rank
# events by it too).
PLACE_PRIORITY = {"Exploitation": 0, "Transit": 1, "Recruitment": 2}
# A case's place, as case_place returns it: the columns of an ubigeo of 2, 4 and 6 digits.
PLACE_COLUMNS = ("department_code", "province_code", "district_code")


def _code_problems(name: str, value: str, codelist: codelists.Codelist, required: bool = False) -> list[FieldProblem]:
    if (value or required) and value not in codelist:
        return [FieldProblem(name, value, "one of " + ", ".join(codelist.values))]
    return []


def _person_problems(person: PersonRecord, prefix: str, today: date) -> list[FieldProblem]:
    """The problems of a person's statistical fields and birth date, named with `prefix` (prs_ for the victim)."""
    problems = _code_problems(f"{prefix}Gender", person.gender, codelists.GENDER)
    if person.citizenship and not _is_country(person.citizenship):
        problems.append(FieldProblem(f"{prefix}Citizenship", person.citizenship, "an ISO 3166-1 alpha-2 country code"))
    if person.birthdate is not None and not (earliest_life_date(today) <= person.birthdate <= today):
        problems.append(FieldProblem(f"{prefix}Birthdate", person.birthdate, f"a past date within {OLDEST_AGE} years"))
    return problems


def case_place(events: list[EventRecord]) -> tuple[str, str, str]:
    """(department, province, district) codes of where a case happened in Peru.

    The most precise place of exploitation wins; failing that, of transit, then
    of recruitment. Codes the place does not resolve to are empty.
    """
    in_peru = [e for e in events if e.ubigeo and e.country == "PE"]
    if not in_peru:
        return "", "", ""
    best = min(in_peru, key=lambda e: (PLACE_PRIORITY.get(e.event_type, len(PLACE_PRIORITY)), -len(e.ubigeo)))
    code = geography.normalise_ubigeo(best.ubigeo)
    return code[:2], code[:4] if len(code) >= 4 else "", code if len(code) == 6 else ""


def family_facilitated(perpetrators: list[PerpetratorRecord]) -> bool:
    return codelists.is_family_facilitated(
        [p.relationship for p in perpetrators], [p.lives_in_household for p in perpetrators]
    )
