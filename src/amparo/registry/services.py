"""Writes to the registry. Every case enters through here, so derived fields are always right."""

from collections.abc import Iterable
from uuid import uuid4

from django.db import transaction

from amparo.core import crypto, geography
from amparo.registry.models import (
    Case,
    CaseCode,
    Organisation,
    Perpetrator,
    Person,
    PersonIdentity,
    RegistryRevision,
    TraffickingEvent,
)
from amparo.registry.records import (
    CaseRecord,
    EventRecord,
    FieldProblem,
    PerpetratorRecord,
    PersonRecord,
    case_place,
    family_facilitated,
    validate_case,
)


class InvalidCase(ValueError):
    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _person_objects(record: PersonRecord, is_synthetic: bool) -> tuple[Person, PersonIdentity | None]:
    person = Person(gender=record.gender, citizenship=record.citizenship.upper(), is_synthetic=is_synthetic)
    has_identity = any((record.first_name, record.second_name, record.birthdate, record.identity_number))
    if not has_identity:
        return person, None
    identity = PersonIdentity(
        first_name=record.first_name,
        second_name=record.second_name,
        birthdate=record.birthdate.isoformat() if record.birthdate else "",
        identity_number=record.identity_number,
        identity_number_hash=crypto.lookup_hash(record.identity_number) if record.identity_number else "",
    )
    return person, identity


def _case_fields(record: CaseRecord) -> dict:
    department, province, district = case_place(record.events)
    return dict(
        source_record_id=str(record.source_record_id).strip(),
        registration_date=record.registration_date,
        status=record.status,
        trafficking_status=record.trafficking_status,
        trafficking_status_decision_org=record.trafficking_status_decision_org,
        forced_labour_industry=record.forced_labour_industry,
        age_when_trafficked=record.age_when_trafficked,
        organised_network=record.organised_network,
        legal_article=record.legal_article,
        department_code=department,
        province_code=province,
        district_code=district,
        family_facilitated=family_facilitated(record.perpetrators),
    )


def _code_rows(record: CaseRecord) -> Iterable[tuple[str, str]]:
    for field_name, values in (
        (CaseCode.Field.EXPLOITATION, record.exploitation_types),
        (CaseCode.Field.CONTROL, record.control_methods),
        (CaseCode.Field.RECRUITMENT, record.recruitment_methods),
        (CaseCode.Field.SEX_EXPLOITATION, record.sex_exploitation_types),
    ):
        for code in dict.fromkeys(values):  # de-duplicate, keep order
            yield field_name, code


def cases_register(
    *, records: list[CaseRecord], source: Organisation, owner=None, is_synthetic: bool = False, validate: bool = True
) -> list[Case]:
    """Store new cases with their victims, perpetrators, events and codes, all or nothing.

    Bulk inserts (a handful of queries per table, not per case) so that the
    synthetic registry and large imports stay fast. Raises InvalidCase on the
    first invalid record, before anything is written.
    """
    if validate:
        for record in records:
            problems = validate_case(record)
            if problems:
                raise InvalidCase(problems)

    with transaction.atomic():
        victims, identities = [], []
        perpetrator_people: list[tuple[int, int, Person, PersonIdentity | None]] = []
        for i, record in enumerate(records):
            person, identity = _person_objects(record.victim, is_synthetic)
            victims.append(person)
            identities.append(identity)
            for j, perpetrator in enumerate(record.perpetrators):
                if perpetrator.person is not None:
                    perpetrator_people.append((i, j, *_person_objects(perpetrator.person, is_synthetic)))
        Person.objects.bulk_create(victims + [p for _, _, p, _ in perpetrator_people], batch_size=2000)
        identity_rows = []
        for person, identity in list(zip(victims, identities)) + [(p, ident) for _, _, p, ident in perpetrator_people]:
            if identity is not None:
                identity.person = person
                identity_rows.append(identity)
        PersonIdentity.objects.bulk_create(identity_rows, batch_size=2000)

        cases = [
            Case(victim=victim, source_organisation=source, owner=owner, is_synthetic=is_synthetic, **_case_fields(record))
            for victim, record in zip(victims, records)
        ]
        Case.objects.bulk_create(cases, batch_size=2000)

        perpetrator_person = {(i, j): p for i, j, p, _ in perpetrator_people}
        CaseCode.objects.bulk_create(
            [CaseCode(case=case, field=f, code=c) for case, record in zip(cases, records) for f, c in _code_rows(record)],
            batch_size=5000,
        )
        Perpetrator.objects.bulk_create(
            [
                Perpetrator(
                    case=case, person=perpetrator_person.get((i, j)), relationship=p.relationship,
                    lives_in_household=p.lives_in_household, roles=list(p.roles),
                )
                for i, (case, record) in enumerate(zip(cases, records))
                for j, p in enumerate(record.perpetrators)
            ],
            batch_size=5000,
        )
        TraffickingEvent.objects.bulk_create(
            [
                TraffickingEvent(case=case, event_type=e.event_type, country=e.country,
                                 ubigeo=e.ubigeo and geography.normalise_ubigeo(e.ubigeo), date=e.date,
                                 description=e.description)
                for case, record in zip(cases, records)
                for e in record.events
            ],
            batch_size=5000,
        )
        registry_changed()
    return cases


def registry_changed() -> None:
    """Record that cases changed, in the writer's transaction, so every process's statistics reload.

    Called by every bulk write (which sends no model signals) and, through registry.signals, by
    every single save or delete of a case or of what it is made of.
    """
    if not RegistryRevision.objects.filter(pk=1).update(token=uuid4().hex):
        RegistryRevision.objects.create(pk=1, token=uuid4().hex)


def case_register(*, record: CaseRecord, source: Organisation, owner=None, is_synthetic: bool = False) -> Case:
    """Store one new case (see cases_register)."""
    return cases_register(records=[record], source=source, owner=owner, is_synthetic=is_synthetic)[0]


def case_refresh_derived(case: Case) -> Case:
    """Recompute a case's place and family-facilitated flag after its events or perpetrators changed."""
    events = [EventRecord(e.event_type, e.ubigeo, e.country, e.date) for e in case.events.all()]
    perpetrators = [PerpetratorRecord(p.relationship, p.lives_in_household) for p in case.perpetrators.all()]
    case.department_code, case.province_code, case.district_code = case_place(events)
    case.family_facilitated = family_facilitated(perpetrators)
    Case.objects.filter(pk=case.pk).update(
        department_code=case.department_code, province_code=case.province_code,
        district_code=case.district_code, family_facilitated=case.family_facilitated,
    )
    registry_changed()
    return case
