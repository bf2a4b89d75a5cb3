"""Writes to the registry, its only writer: forms, imports, casework, the synthetic registry and the demo
store organisations, people, cases and what cases are made of through here, so derived fields are always
right and every identity is sealed the same way.

One case at a time (and the synthetic registry) goes through the ORM; an import's new and changed cases go
through registry.bulk on whole columns. Tests compare the two table by table.
"""

from collections.abc import Iterable, Iterator
from uuid import uuid4

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import codelists, geography
from amparo.core.record_keys import new_record_keys
from amparo.registry import bulk
from amparo.registry.identities import identity_given, identity_of
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
from amparo.registry.name_index import index_rebuild, names_index
from amparo.registry.records import (
    CASE_SCALARS,
    CODE_LISTS,
    CaseRecord,
    EventRecord,
    FieldProblem,
    PerpetratorRecord,
    PersonRecord,
    case_place,
    family_facilitated,
    validate_case,
)
from amparo.registry.selectors import organisation_named

ID_IN_USE = "an identifier not yet used by this organisation"
UNKNOWN_ORGANISATION_TYPE = _("Unknown organisation type %(type)s; use one of: %(types)s.")
ORGANISATION_NAME_MISSING = _("Give the organisation's name.")
ORGANISATION_NAME_TAKEN = _("An organisation called %(name)s already exists.")


class InvalidCase(ValueError):
    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class StaleVersion(Exception):
    """The case was saved by someone else since the version an edit was based on."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(f"the case is at version {current_version}")


def organisation_type_check(org_type: str) -> None:
    """Raise ValueError, naming the types there are, unless org_type is one of them."""
    if org_type not in codelists.ORGANISATION_TYPE:
        raise ValueError(
            UNKNOWN_ORGANISATION_TYPE % {"type": org_type, "types": ", ".join(codelists.ORGANISATION_TYPE.values)}
        )


def organisation_register(*, user, name: str, org_type: str, country: str = "PE", request=None) -> Organisation:
    """A new source organisation, made by someone who may exchange files (whose imports name it); refused
    when its name is another's but for case, accents or spacing. Audited."""
    require(user, Capability.EXCHANGE)
    organisation_type_check(org_type)
    name = " ".join(name.split())
    if not name:
        raise ValueError(ORGANISATION_NAME_MISSING)
    with transaction.atomic():
        existing = organisation_named(name)
        if existing is not None:
            raise ValueError(ORGANISATION_NAME_TAKEN % {"name": existing.name})
        organisation = Organisation.objects.create(name=name, org_type=org_type, country=country.upper())
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            obj=organisation,
            request=request,
            details={"org_type": org_type, "country": organisation.country},
        )
    return organisation


def organisation_get_or_create(
    *, name: str, org_type: str, country: str = "PE", is_synthetic: bool = False
) -> Organisation:
    """The organisation of this exact name, created with the other values when there is none."""
    organisation_type_check(org_type)
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"org_type": org_type, "country": country, "is_synthetic": is_synthetic}
    )
    return organisation


def _person_objects(record: PersonRecord, is_synthetic: bool) -> tuple[Person, PersonIdentity | None]:
    person = Person(gender=record.gender, citizenship=record.citizenship.upper(), is_synthetic=is_synthetic)
    identity = identity_of(record)
    return person, PersonIdentity(**identity) if identity_given(identity) else None


def person_register(*, person: PersonRecord, is_synthetic: bool = False) -> Person:
    """Store a person (a caregiver, a perpetrator named in casework) with their sealed identity, if any is given."""
    stored, identity = _person_objects(person, is_synthetic)
    with transaction.atomic():
        stored.save()
        if identity is not None:
            identity.person = stored
            identity.save()
            names_index([(stored.pk, identity.first_name, identity.second_name)])
    return stored


def _identity_replace(person: Person, record: PersonRecord) -> None:
    """The person's identity becomes the record's: a field left empty is erased (as a form means it)."""
    values = identity_of(record)
    identity = PersonIdentity.objects.filter(person=person).first()
    if identity is None:
        if not identity_given(values):
            return
        PersonIdentity.objects.create(person=person, **values)
    else:
        for name, value in values.items():
            setattr(identity, name, value)
        identity.save()
    names_index([(person.pk, values["first_name"], values["second_name"])])


def _case_fields(record: CaseRecord) -> dict:
    """The Case columns a record sets: its own values and those derived from its events and perpetrators."""
    department, province, district = case_place(record.events)
    return {name: getattr(record, name) for name in CASE_SCALARS} | {
        "source_record_id": str(record.source_record_id).strip(),
        "department_code": department,
        "province_code": province,
        "district_code": district,
        "family_facilitated": family_facilitated(record.perpetrators),
    }


def _code_rows(record: CaseRecord) -> Iterable[tuple[str, str]]:
    for field_name, attribute, _codelist in CODE_LISTS:
        for code in dict.fromkeys(getattr(record, attribute)):  # de-duplicate, keep order
            yield field_name, code


def _event_objects(case: Case, events: list[EventRecord]) -> list[TraffickingEvent]:
    return [
        TraffickingEvent(
            case=case,
            event_type=e.event_type,
            country=e.country,
            ubigeo=e.ubigeo and geography.normalise_ubigeo(e.ubigeo),
            date=e.date,
            description=e.description,
        )
        for e in events
    ]


def _id_problems(record: CaseRecord, organisation_id: int, exclude_pk: int | None = None) -> list[FieldProblem]:
    """A problem when the organisation already has another case of the record's source_record_id."""
    same = Case.objects.filter(
        source_organisation_id=organisation_id, source_record_id=str(record.source_record_id).strip()
    )
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    return [FieldProblem("source_record_id", record.source_record_id, ID_IN_USE)] if same.exists() else []


def cases_register(
    *, records: list[CaseRecord], source: Organisation, owner=None, is_synthetic: bool = False, validate: bool = True
) -> list[Case]:
    """Store new cases with their victims, perpetrators, events and codes, all or nothing.

    Bulk inserts (a handful of queries per table, not per case) so that the
    synthetic registry stays fast. Raises InvalidCase on the first invalid
    record, before anything is written.
    """
    if validate:
        for record in records:
            problems = validate_case(record, today=timezone.localdate())
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
        names_index((i.person_id, i.first_name, i.second_name) for i in identity_rows)

        cases = [
            Case(
                victim=victim,
                source_organisation=source,
                owner=owner,
                is_synthetic=is_synthetic,
                record_key=key,
                **_case_fields(record),
            )
            for victim, record, key in zip(victims, records, new_record_keys(len(records)))
        ]
        Case.objects.bulk_create(cases, batch_size=2000)

        perpetrator_person = {(i, j): p for i, j, p, _ in perpetrator_people}
        CaseCode.objects.bulk_create(
            [
                CaseCode(case=case, field=f, code=c)
                for case, record in zip(cases, records)
                for f, c in _code_rows(record)
            ],
            batch_size=5000,
        )
        Perpetrator.objects.bulk_create(
            [
                Perpetrator(
                    case=case,
                    person=perpetrator_person.get((i, j)),
                    relationship=p.relationship,
                    lives_in_household=p.lives_in_household,
                    roles=list(p.roles),
                )
                for i, (case, record) in enumerate(zip(cases, records))
                for j, p in enumerate(record.perpetrators)
            ],
            batch_size=5000,
        )
        TraffickingEvent.objects.bulk_create(
            [event for case, record in zip(cases, records) for event in _event_objects(case, record.events)],
            batch_size=5000,
        )
        registry_changed()
    return cases


def cases_bulk_register(
    *, frame: pl.DataFrame, source: Organisation, owner=None, is_synthetic: bool = False
) -> Iterator[tuple[pl.DataFrame, list[int]]]:
    """Store the new cases of a case frame (registry.frames, valid) in parts of bulk.CHUNK: yields each part
    and its new ids once stored, so that a long import can show its progress. The caller holds the
    transaction."""
    for start in range(0, frame.height, bulk.CHUNK):
        part = frame.slice(start, bulk.CHUNK)
        yield part, bulk.cases_insert(part, source=source, owner=owner, is_synthetic=is_synthetic)
    registry_changed()


def cases_bulk_update(*, frame: pl.DataFrame, case_ids: list[int]) -> Iterator[pl.DataFrame]:
    """Replace the content of stored cases (ids in frame order) with a case frame's rows, in parts of
    bulk.CHUNK, yielding each part once stored (see bulk.cases_update for what an import keeps). The caller
    holds the transaction."""
    for start in range(0, frame.height, bulk.CHUNK):
        part = frame.slice(start, bulk.CHUNK)
        bulk.cases_update(part, case_ids[start : start + bulk.CHUNK])
        yield part
    if case_ids:
        registry_changed()


def registry_changed() -> None:
    """Record that cases changed, in the writer's transaction, so every process's statistics reload.

    Called by every bulk write (which sends no model signals) and, through registry.signals, by
    every single save or delete of a case or of what it is made of.
    """
    if not RegistryRevision.objects.filter(pk=1).update(token=uuid4().hex):
        RegistryRevision.objects.create(pk=1, token=uuid4().hex)


def case_register(*, record: CaseRecord, source: Organisation, owner=None, is_synthetic: bool = False) -> Case:
    """Store one new case (see cases_register); InvalidCase also when the source already has its id."""
    problems = validate_case(record, today=timezone.localdate()) + _id_problems(record, source.pk)
    if problems:
        raise InvalidCase(problems)
    return cases_register(records=[record], source=source, owner=owner, is_synthetic=is_synthetic, validate=False)[0]


@transaction.atomic
def case_update(*, case: Case, record: CaseRecord, expected_version: int) -> Case:
    """Replace a case's content (its values, victim, identities, codes, perpetrators and events) with the
    record's, if nobody saved the case since `expected_version`: StaleVersion otherwise, and InvalidCase for
    an invalid record, before anything is written. Perpetrators are updated in place by position, so that
    each keeps the person recorded for it."""
    problems = validate_case(record, today=timezone.localdate()) + _id_problems(
        record, case.source_organisation_id, exclude_pk=case.pk
    )
    if problems:
        raise InvalidCase(problems)
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **_case_fields(record)
    )
    if not updated:
        raise StaleVersion(Case.objects.values_list("version", flat=True).get(pk=case.pk))
    Person.objects.filter(pk=case.victim_id).update(
        gender=record.victim.gender, citizenship=record.victim.citizenship.upper()
    )
    _identity_replace(case.victim, record.victim)
    CaseCode.objects.filter(case=case).delete()
    CaseCode.objects.bulk_create([CaseCode(case=case, field=f, code=c) for f, c in _code_rows(record)])
    _perpetrators_replace(case, record.perpetrators)
    TraffickingEvent.objects.filter(case=case).delete()
    TraffickingEvent.objects.bulk_create(_event_objects(case, record.events))
    registry_changed()
    case.refresh_from_db()
    return case


def _perpetrators_replace(case: Case, perpetrators: list[PerpetratorRecord]) -> None:
    """Update perpetrators in place by position, add the new ones, remove those no longer listed."""
    existing = list(case.perpetrators.select_related("person").order_by("id"))
    for position, wanted in enumerate(perpetrators):
        row = existing[position] if position < len(existing) else Perpetrator(case=case)
        row.relationship, row.lives_in_household = wanted.relationship, wanted.lives_in_household
        row.roles = list(wanted.roles)
        if row.person_id is not None:
            _identity_replace(row.person, wanted.person or PersonRecord())
        elif wanted.person is not None:
            row.person = person_register(person=wanted.person, is_synthetic=case.is_synthetic)
        row.save()
    for row in existing[len(perpetrators) :]:
        row.delete()


def name_index_rebuild() -> int:
    """Index every stored name again under the active key, as key rotation requires (registry.name_index); how
    many people have a name."""
    with transaction.atomic():
        return index_rebuild()


def case_status_set(*, case: Case, status: str) -> Case:
    """Give a case a new status (closing it, for one), as a new version: an edit opened before is then stale."""
    if status not in codelists.CASE_STATUS:
        raise ValueError(f"unknown case status {status!r}; expected one of {', '.join(codelists.CASE_STATUS.values)}")
    Case.objects.filter(pk=case.pk).update(status=status, version=F("version") + 1, updated_at=timezone.now())
    registry_changed()
    case.refresh_from_db(fields=["status", "version", "updated_at"])
    return case


def cases_set_owner(*, case_ids: list[int], owner) -> int:
    """Give these cases to a user (their own-cases scope); how many there were."""
    return Case.objects.filter(id__in=case_ids).update(owner=owner)


def case_refresh_derived(case: Case) -> Case:
    """Recompute a case's place and family-facilitated flag after its events or perpetrators changed."""
    events = [EventRecord(e.event_type, e.ubigeo, e.country, e.date) for e in case.events.all()]
    perpetrators = [PerpetratorRecord(p.relationship, p.lives_in_household) for p in case.perpetrators.all()]
    case.department_code, case.province_code, case.district_code = case_place(events)
    case.family_facilitated = family_facilitated(perpetrators)
    Case.objects.filter(pk=case.pk).update(
        department_code=case.department_code,
        province_code=case.province_code,
        district_code=case.district_code,
        family_facilitated=case.family_facilitated,
    )
    registry_changed()
    return case
